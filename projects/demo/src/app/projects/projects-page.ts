import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Store } from '@ngrx/store';
import { OfflineSyncService } from 'offline-sync-kit';
import { Project, ProjectSync } from '../entities';
import { userMessage } from '../user-message';

/** Projects: a second entity type, registered (and loaded) when this lazy route loads. */
@Component({
  selector: 'app-projects-page',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>Projects</h2>
    <form (ngSubmit)="add()" class="add" data-testid="add-project">
      <label for="new-project">New project</label>
      <input id="new-project" name="name" [(ngModel)]="name" required autocomplete="off" />
      <button type="submit" class="primary" [disabled]="!name().trim()">Add</button>
    </form>
    @if (!hydrated()) {
      <p>Loading projects stored on this device…</p>
    } @else {
      <ul class="projects" data-testid="projects">
        @for (project of projects(); track project.id) {
          <li data-testid="project">{{ project.name }}</li>
        } @empty {
          <li class="empty">No projects yet.</li>
        }
      </ul>
    }
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
  `,
  styles: `
    .projects {
      list-style: none;
      padding: 0;
    }
    .projects li {
      padding: 0.5rem 0;
      border-bottom: 1px solid var(--line);
    }
    .empty {
      color: var(--muted);
    }
  `,
})
export class ProjectsPage {
  private readonly sync = inject(OfflineSyncService);
  private readonly store = inject(Store);
  protected readonly projects = this.store.selectSignal(ProjectSync.selectors.selectAll);
  protected readonly hydrated = this.store.selectSignal(ProjectSync.selectors.selectIsHydrated);
  protected readonly name = signal('');
  protected readonly error = signal<string | null>(null);

  protected async add(): Promise<void> {
    const name = this.name().trim();
    if (!name) return;
    this.name.set('');
    try {
      await this.sync.saveModel<Project>('project', { name });
      this.error.set(null);
    } catch (e) {
      this.name.set(name); // not stored: give the text back
      this.error.set(userMessage(e));
    }
  }
}
