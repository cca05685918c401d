import { NgModule } from '@angular/core';
import { RouterModule } from '@angular/router';
import { OfflineSyncModule } from 'offline-sync-kit';
import { ProjectSync } from '../entities';
import { ProjectsPage } from './projects-page';

/**
 * The projects route as an NgModule: `OfflineSyncModule.forFeature()` registers (and hydrates)
 * the project type when the route loads, the NgModule way of `provideSyncEntities()`.
 */
@NgModule({
  imports: [
    OfflineSyncModule.forFeature(ProjectSync),
    RouterModule.forChild([{ path: '', component: ProjectsPage, title: 'Projects' }]),
  ],
})
export class ProjectsModule {}
