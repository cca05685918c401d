import { selectWebSocketState } from 'offline-sync-kit';
import { filter, firstValueFrom } from 'rxjs';
import { benchTodos } from '../bench-todo';
import { KitApp, startKitApp } from '../kit-app';
import { deleteDatabase } from '../raw-dexie';
import { createMutation, rawSocket } from '../raw-server';
import { API_URL } from './push-pull';
import { RunOptions } from './local-writes';

/** Pause between two writes, so each one's latency is its own and not a queue's. */
const GAP_MS = 20;

/**
 * Scenario 6: `n` writes on client A, one at a time, each timed from `saveModel` on A until the
 * record is in client B's store (A pushes over its socket, B receives the change event, stores it
 * in IndexedDB, then in its store). The baseline: raw socket A sends the same create as a `batch`
 * message, raw socket B receives its change event. Resolves with every write's milliseconds.
 *
 * @example
 * const samples = await realtime({ variant: 'kit', n: 200, run: '1' });
 */
export async function realtime({ variant, n, run }: RunOptions): Promise<number[]> {
  const channel = `realtime-${variant}-${run}`;
  const todos = benchTodos(n, channel);
  return variant === 'raw' ? rawLatencies(channel, todos) : kitLatencies(channel, todos);
}

async function kitLatencies(endpoint: string, todos: ReturnType<typeof benchTodos>) {
  const names = [`bench-${endpoint}-a`, `bench-${endpoint}-b`];
  const apps: KitApp[] = [];
  try {
    for (const databaseName of names) {
      // pushDebounce 0: a chat-like app pushes at once; the default waits 300 ms for more writes.
      const app = await startKitApp({
        databaseName,
        serverUrl: API_URL,
        endpoint,
        webSocket: true,
        pushDebounce: 0,
      });
      apps.push(app);
      await firstValueFrom(
        app.store.select(selectWebSocketState).pipe(filter((state) => state === 'connected'))
      );
    }
    const [a, b] = apps as [KitApp, KitApp];
    const samples: number[] = [];
    for (const todo of todos) {
      const seen = firstValueFrom(
        b.store
          .select(b.todo.selectors.selectEntities)
          .pipe(filter((entities) => todo.id in entities))
      );
      const start = performance.now();
      await a.sync.saveModel('todo', todo);
      await seen;
      samples.push(performance.now() - start);
      await pause(GAP_MS);
    }
    return samples;
  } finally {
    for (const app of apps) await app.destroy();
    for (const name of names) await deleteDatabase(name);
  }
}

async function rawLatencies(channel: string, todos: ReturnType<typeof benchTodos>) {
  const waiting = new Map<string, () => void>();
  const receiver = await rawSocket(API_URL, channel, (id) => waiting.get(id)?.());
  const sender = await rawSocket(API_URL, null);
  try {
    const samples: number[] = [];
    for (const todo of todos) {
      const seen = new Promise<void>((resolve) => waiting.set(todo.id, resolve));
      const start = performance.now();
      sender.send(
        JSON.stringify({
          type: 'batch',
          requestId: todo.id,
          mutations: [createMutation(channel, todo)],
        })
      );
      await seen;
      samples.push(performance.now() - start);
      await pause(GAP_MS);
    }
    return samples;
  } finally {
    receiver.close();
    sender.close();
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
