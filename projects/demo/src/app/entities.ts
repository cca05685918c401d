import { defineSyncEntity } from 'offline-sync-kit';

/** A task on the board. */
export interface Todo {
  id: string;
  title: string;
  done: boolean;
}

/** A project; its page is a lazy route that registers the type when it loads. */
export interface Project {
  id: string;
  name: string;
}

export const TodoSync = defineSyncEntity<Todo>({
  modelType: 'todo',
  endpoint: 'todos',
  sortComparer: (a, b) => Number(a.done) - Number(b.done) || a.title.localeCompare(b.title),
});

export const ProjectSync = defineSyncEntity<Project>({
  modelType: 'project',
  endpoint: 'projects',
  sortComparer: (a, b) => a.name.localeCompare(b.name),
});
