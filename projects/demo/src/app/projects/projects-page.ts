import { Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Store } from '@ngrx/store';
import { OfflineSyncService } from 'offline-sync-kit';
import { Project, ProjectSync } from '../entities';

/** Projects: a second entity type, registered by this lazy route. */
@Component({
  selector: 'app-projects-page',
  imports: [FormsModule],
  template: `
    <form (ngSubmit)="add()" class="add">
      <label for="new-project">New project</label>
      <input id="new-project" name="name" [(ngModel)]="name" required autocomplete="off" />
      <button type="submit" [disabled]="!name().trim()">Add</button>
    </form>
    <ul>
      @for (project of projects(); track project.id) {
        <li>{{ project.name }}</li>
      } @empty {
        <li>No projects yet.</li>
      }
    </ul>
  `,
  styles: ``,
})
export class ProjectsPage {
  private readonly sync = inject(OfflineSyncService);
  protected readonly projects = inject(Store).selectSignal(ProjectSync.selectors.selectAll);
  protected readonly name = signal('');

  protected async add(): Promise<void> {
    const name = this.name().trim();
    if (!name) return;
    this.name.set('');
    await this.sync.saveModel<Project>('project', { name });
  }
}
