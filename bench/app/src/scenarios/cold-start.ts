import { BenchTodo } from '../bench-todo';
import { createKitApplication, KitApp, startKitApp } from '../kit-app';
import { createEntityAdapter, EntityState } from '@ngrx/entity';
import { rawReadAll } from '../raw-dexie';
import { Variant } from './local-writes';

/** A database the pull scenario filled, and how many records it holds. */
export interface StoredDatabase {
  readonly databaseName: string;
  readonly n: number;
  readonly variant: Variant;
}

/**
 * Scenario 3 (and 10): a new app on a database holding `n` records, timed from its creation until
 * `selectIsHydrated`; raw Dexie reads the same rows and `adapter.setAll`s them. Milliseconds.
 *
 * @example
 * const ms = await coldStart({ databaseName: 'bench-stored-kit', n: 100_000, variant: 'kit' });
 */
export async function coldStart({ databaseName, n, variant }: StoredDatabase): Promise<number> {
  if (variant === 'raw') {
    const start = performance.now();
    const state = await rawHydrate(databaseName);
    const elapsed = performance.now() - start;
    if (state.ids.length !== n) throw new Error(`raw cold start read ${state.ids.length} of ${n}`);
    return elapsed;
  }
  const start = performance.now();
  const kit = await createKitApplication({
    databaseName,
    serverUrl: null,
    encrypted: variant === 'kitEncrypted',
  });
  await kit.sync.whenHydrated();
  const elapsed = performance.now() - start;
  const total = kit.store.selectSignal(kit.todo.selectors.selectTotal)();
  await kit.destroy();
  if (total !== n) throw new Error(`kit cold start loaded ${total} of ${n}`);
  return elapsed;
}

const adapter = createEntityAdapter<BenchTodo>();

/**
 * Cold start by hand: open the kit's database as it is on disk (Dexie reads its schema), read
 * every `todo` row and put the records into an `@ngrx/entity` state.
 *
 * @example
 * const state = await rawHydrate('bench-cold-1');
 */
async function rawHydrate(databaseName: string): Promise<EntityState<BenchTodo>> {
  return adapter.setAll(await rawReadAll(databaseName), adapter.getInitialState());
}

let held: KitApp | BenchTodo[] | null = null;

/**
 * Scenario 9, kit side: hydrates an app on a stored database and keeps it, so the runner can
 * measure the heap it holds.
 *
 * @example
 * await holdHydratedKit({ databaseName: 'bench-stored-kit', n: 100_000, variant: 'kit' });
 */
export async function holdHydratedKit({ databaseName, n }: StoredDatabase): Promise<void> {
  const kit = await startKitApp({ databaseName, serverUrl: null });
  const total = kit.store.selectSignal(kit.todo.selectors.selectTotal)();
  if (total !== n) throw new Error(`kit hydrated ${total} of ${n}`);
  held = kit;
}

/**
 * Scenario 9, baseline: the same records read from the same database into a plain array, kept.
 *
 * @example
 * await holdPlainArray({ databaseName: 'bench-stored-kit', n: 100_000, variant: 'raw' });
 */
export async function holdPlainArray({ databaseName, n }: StoredDatabase): Promise<void> {
  const records = await rawReadAll(databaseName);
  if (records.length !== n) throw new Error(`read ${records.length} of ${n}`);
  held = records;
}

/**
 * Lets go of what the last `hold…` kept.
 *
 * @example
 * await releaseHeld();
 */
export async function releaseHeld(): Promise<void> {
  if (held && !Array.isArray(held)) await held.destroy();
  held = null;
}
