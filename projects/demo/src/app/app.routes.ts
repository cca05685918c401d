import { Routes } from '@angular/router';
import { provideSyncEntities } from 'offline-sync-kit';
import { ProjectSync } from './entities';
import { TodoPage } from './todo-page';

export const routes: Routes = [
  { path: '', component: TodoPage, title: 'Tasks' },
  {
    path: 'projects',
    title: 'Projects',
    // The project type is registered (and hydrated) only when this route loads.
    providers: [provideSyncEntities(ProjectSync)],
    loadComponent: () => import('./projects-page').then((m) => m.ProjectsPage),
  },
  { path: '**', redirectTo: '' },
];
