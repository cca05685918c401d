import { Routes } from '@angular/router';
import { TodoBoard } from './todos/todo-board';

export const routes: Routes = [
  { path: '', component: TodoBoard, title: 'Tasks' },
  {
    path: 'projects',
    loadChildren: () => import('./projects/projects.module').then((m) => m.ProjectsModule),
  },
  { path: '**', redirectTo: '' },
];
