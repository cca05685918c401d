import { benchTodo, BenchTodo } from '../bench-todo';
import { startKitApp } from '../kit-app';
import { deleteDatabase } from '../raw-dexie';
import { API_URL } from './push-pull';

/** What each side sent, in bytes of request body (UTF-8). */
export interface DeltaBytes {
  readonly kit: number;
  readonly fullPut: number;
  readonly recordBytes: number;
}

/** A ~2 KB record: the bench todo with long notes. */
function bigTodo(id: string): BenchTodo {
  const todo = benchTodo(0, id);
  return { ...todo, id, notes: todo.notes.repeat(9).slice(0, 1_900) };
}

const encoder = new TextEncoder();

/**
 * Scenario 7: one field of a stored, synced ~2 KB record changed with `updateModel`, and the
 * bytes of every request body the kit sent for it counted (the page's `fetch`, which Angular's
 * `HttpClient` uses with `withFetch()`); the baseline PUTs the whole record.
 *
 * @example
 * const { kit, fullPut } = await delta({ run: '1' });
 */
export async function delta({ run }: { run: string }): Promise<DeltaBytes> {
  const endpoint = `delta-${run}`;
  const databaseName = `bench-${endpoint}`;
  const sent: number[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    if (init?.method && init.method !== 'GET' && init.body) sent.push(bodyBytes(init.body));
    return realFetch(input, init);
  };
  try {
    const kit = await startKitApp({ databaseName, serverUrl: API_URL, endpoint, pushDebounce: 0 });
    const todo = bigTodo(`delta-${run}`);
    await kit.sync.saveModel('todo', todo);
    await kit.untilNothingPending();
    sent.length = 0;
    await kit.sync.updateModel<BenchTodo>('todo', todo.id, { done: !todo.done });
    await kit.untilNothingPending();
    const kitBytes = sent.reduce((sum, bytes) => sum + bytes, 0);
    await kit.destroy();
    if (kitBytes === 0) throw new Error('delta: the kit sent no request body for the update');

    const current = (await (
      await realFetch(`${API_URL}/${endpoint}/${todo.id}`)
    ).json()) as BenchTodo & {
      version: number;
    };
    const { version, ...record } = current;
    const body = JSON.stringify({ ...record, done: todo.done });
    const response = await realFetch(`${API_URL}/${endpoint}/${todo.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': `"${version}"` },
      body,
    });
    if (!response.ok) throw new Error(`delta: the full PUT answered ${response.status}`);
    return {
      kit: kitBytes,
      fullPut: encoder.encode(body).length,
      recordBytes: encoder.encode(JSON.stringify(todo)).length,
    };
  } finally {
    globalThis.fetch = realFetch;
    await deleteDatabase(databaseName);
  }
}

function bodyBytes(body: BodyInit): number {
  if (typeof body === 'string') return encoder.encode(body).length;
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  return encoder.encode(String(body)).length;
}
