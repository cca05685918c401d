/**
 * The record every benchmark scenario writes, stores, pushes and pulls, for the kit, the raw
 * baselines and the peers alike, so all of them handle the same bytes.
 *
 * @example
 * const todos = benchTodos(5_000, 'run-1'); // ids "run-1-000000" … "run-1-004999"
 */
export interface BenchTodo {
  id: string;
  title: string;
  notes: string;
  done: boolean;
  priority: number;
  tags: string[];
}

/** About 200 characters, so a record is ~330 bytes of JSON, a typical task or order line. */
const NOTES =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut ' +
  'labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco labo';

/**
 * Record number `i`; `prefix` keeps the ids of different runs apart on one server.
 *
 * @example
 * benchTodo(7, 'seed'); // { id: 'seed-000007', title: 'Buy milk #7', … }
 */
export function benchTodo(i: number, prefix: string): BenchTodo {
  return {
    id: `${prefix}-${String(i).padStart(6, '0')}`,
    title: `Buy milk #${i}`,
    notes: NOTES,
    done: i % 3 === 0,
    priority: i % 5,
    tags: ['home', `list-${i % 7}`],
  };
}

/**
 * `n` records numbered from 0.
 *
 * @example
 * const records = benchTodos(100, 'burst-2');
 */
export function benchTodos(n: number, prefix: string): BenchTodo[] {
  return Array.from({ length: n }, (_, i) => benchTodo(i, prefix));
}
