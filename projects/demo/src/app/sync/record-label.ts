/**
 * How the sync panels name a record: its `title` (tasks) or `name` (projects), else its id.
 *
 * @example
 * recordLabel(conflict.local, conflict.id); // 'Buy milk'
 */
export function recordLabel(record: object | null | undefined, id: string): string {
  const fields = (record ?? {}) as Record<string, unknown>;
  return String(fields['title'] ?? fields['name'] ?? id);
}
