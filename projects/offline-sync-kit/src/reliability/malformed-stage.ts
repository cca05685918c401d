import { Actions } from '@ngrx/effects';
import { Subscription } from 'rxjs';
import { SyncErrorInfo } from '../lib/model/sync-error';
import { SyncOptions } from '../lib/model/sync-options';
import { defineSyncEntity } from '../lib/state/define-sync-entity';
import { syncServer, uniqueCollection } from '../testing-support/sync-server-under-test';
import { eventually, readRaw } from '../testing-support/test-database';
import { Todo } from '../testing-support/test-entities';
import { Device, Devices } from '../testing-support/two-devices';

/**
 * Every malformed answer of the suite carries this text, so a stored record holding it shows that
 * something of a malformed answer was kept.
 */
export const MARK = 'INJECTED';

/** What the database held when the malformed answer came (`readRaw`). */
export type RawSnapshot = Awaited<ReturnType<typeof readRaw>>;

/**
 * One staged device: synced with the server, then behind it (another device changed t2 and
 * created t4 there) and ahead of it (t1 edited, t5 created and t3 deleted here, not pushed yet).
 *
 * @example
 * const staged = await stage(devices, endpoint, { useBatchEndpoint: false });
 * await staged.device.sync.syncAll();
 */
export interface Stage {
  readonly device: Device<Todo>;
  readonly endpoint: string;
  readonly before: RawSnapshot;
  /** Every error the kit's actions reported since the snapshot, in order. */
  readonly reported: SyncErrorInfo[];
  /** Stops collecting errors. */
  readonly stop: () => void;
}

/**
 * How a stage's device is set up: its sync options (the server is the fault proxy, and local
 * writes wait for an explicit sync) and whether it keeps the WebSocket open.
 */
export interface StageOptions {
  readonly sync?: SyncOptions;
  readonly webSocket?: boolean;
}

/** A new collection, its entity type and the devices on it. */
export function stageEntity(): { endpoint: string; devices: Devices<Todo> } {
  const endpoint = uniqueCollection('todos');
  return {
    endpoint,
    devices: new Devices(defineSyncEntity<Todo>({ modelType: 'todo', endpoint })),
  };
}

/** Writes on the server directly, as another device would; the record as stored. */
export async function serverWrite(
  endpoint: string,
  method: 'POST' | 'PATCH',
  record: Partial<Todo> & { id: string },
  version?: number
): Promise<Record<string, unknown>> {
  const path = method === 'POST' ? endpoint : `${endpoint}/${record.id}`;
  const answer = await fetch(`${syncServer().url}/${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(version === undefined ? {} : { 'If-Match': `"${version}"` }),
    },
    body: JSON.stringify(record),
  });
  if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}`);
  return (await answer.json()) as Record<string, unknown>;
}

/**
 * Stages a device (see {@link Stage}): t1–t3 at version 2 on the server and on the device, then
 * t2 at version 3 and t4 on the server only, and t1's edit, t5 and t3's deletion on the device
 * only. With the WebSocket, the server's changes reach the device first.
 */
export async function stage(
  devices: Devices<Todo>,
  endpoint: string,
  options: StageOptions = {}
): Promise<Stage> {
  for (const id of ['t1', 't2', 't3']) {
    await serverWrite(endpoint, 'POST', { id, title: `${id} first`, done: false });
    await serverWrite(endpoint, 'PATCH', { id, title: `${id} second` }, 1);
  }
  const device = await devices.start('device', {
    // Local writes wait for a sync the case asks for, so they are in the outbox when it runs.
    sync: { serverUrl: syncServer().proxyUrl, pushDebounce: 3_600_000, ...options.sync },
    ...(options.webSocket ? { webSocket: {} } : {}),
  });
  if (options.webSocket) {
    await eventually(() => device.sync.isWebSocketConnected(), 'the WebSocket connected');
  }
  await device.settled();
  await serverWrite(endpoint, 'PATCH', { id: 't2', title: 't2 from elsewhere' }, 2);
  await serverWrite(endpoint, 'POST', { id: 't4', title: 't4 from elsewhere', done: false });
  if (options.webSocket) {
    await eventually(
      () => device.record('t2')?.title === 't2 from elsewhere' && device.record('t4') !== undefined,
      'the change events of t2 and t4'
    );
  }
  await device.sync.updateModel<Todo>('todo', 't1', { title: 't1 edited here' });
  await device.sync.saveModel<Todo>('todo', { id: 't5', title: 't5 made here', done: false });
  await device.sync.deleteModel('todo', 't3');
  const before = await readRaw(device.databaseName);
  const reported: SyncErrorInfo[] = [];
  const watching: Subscription = device.app.injector.get(Actions).subscribe((action) => {
    const error = (action as { error?: unknown }).error;
    if (typeof error === 'object' && error !== null && 'kind' in error) {
      reported.push(error as SyncErrorInfo);
    }
  });
  return { device, endpoint, before, reported, stop: () => watching.unsubscribe() };
}

/** Resolves once the device runs no sync (what a case started has finished). */
export function idle(device: Device<Todo>): Promise<void> {
  return eventually(() => !device.sync.currentStatus().isSyncing, 'the sync to end');
}
