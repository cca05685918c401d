import { defineSyncEntity } from '../lib/state/define-sync-entity';

/** A todo as the specs use it. */
export interface Todo {
  id: string;
  title: string;
  done: boolean;
  projectId?: string;
  tags?: string[];
}

/** A project, the second entity type (registered lazily in some specs). */
export interface Project {
  id: string;
  name: string;
}

export const TodoSync = defineSyncEntity<Todo>({ modelType: 'todo', endpoint: 'todos' });
export const ProjectSync = defineSyncEntity<Project>({
  modelType: 'project',
  endpoint: 'projects',
  priority: 5,
});
