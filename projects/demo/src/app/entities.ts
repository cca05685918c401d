import { defineSyncEntity } from 'offline-sync-kit';

/** How urgent a task is. */
export type Priority = 'low' | 'medium' | 'high';

/** A task on the board. */
export interface Todo {
  id: string;
  title: string;
  notes: string;
  done: boolean;
  priority: Priority;
  assignee: string;
}

/** A project; its page is a lazy route (an NgModule) that registers the type when it loads. */
export interface Project {
  id: string;
  name: string;
}

const PRIORITY_ORDER: Record<Priority, number> = { high: 0, medium: 1, low: 2 };

export const TodoSync = defineSyncEntity<Todo>({
  modelType: 'todo',
  endpoint: 'todos',
  // Open tasks first, the most urgent on top.
  sortComparer: (a, b) =>
    Number(a.done) - Number(b.done) ||
    PRIORITY_ORDER[a.priority ?? 'medium'] - PRIORITY_ORDER[b.priority ?? 'medium'] ||
    (a.title ?? '').localeCompare(b.title ?? ''),
});

export const ProjectSync = defineSyncEntity<Project>({
  modelType: 'project',
  endpoint: 'projects',
  sortComparer: (a, b) => a.name.localeCompare(b.name),
});
