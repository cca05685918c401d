import { Component, inject } from '@angular/core';
import { DatePipe } from '@angular/common';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { Store } from '@ngrx/store';
import { selectPersistentStorage, selectSyncStatus } from 'offline-sync-kit';

/** The shell: navigation, the sync status bar and the routed page. */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, DatePipe],
  template: `
    <header class="bar">
      <h1>Offline Sync Kit <span>demo</span></h1>
      <nav aria-label="Main">
        <a routerLink="/" routerLinkActive="active" [routerLinkActiveOptions]="{ exact: true }"
          >Tasks</a
        >
        <a routerLink="/projects" routerLinkActive="active">Projects</a>
      </nav>
    </header>
    <section class="status" role="status" aria-live="polite" data-testid="sync-status">
      <span class="pill" [attr.data-phase]="status().phase">{{ status().phase }}</span>
      <span>{{ status().isOnline ? 'online' : 'offline' }}</span>
      <span
        >{{ status().pendingChanges }} change{{ status().pendingChanges === 1 ? '' : 's' }} waiting
        for the server</span
      >
      @if (status().failedChanges) {
        <span class="error">{{ status().failedChanges }} refused by the server</span>
      }
      <span>storage: {{ persistent() }}</span>
      @if (status().lastSyncTime; as at) {
        <span>last sync {{ at | date: 'shortTime' }}</span>
      }
      @if (status().lastError; as error) {
        <span class="error">{{ error.message }}</span>
      }
    </section>
    <main>
      <router-outlet />
    </main>
  `,
  styles: `
    .bar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
    }
    h1 {
      font-size: 1.25rem;
      margin: 0;
    }
    h1 span {
      color: #555;
      font-weight: normal;
    }
    nav a {
      margin-left: 1rem;
      color: #0b5cad;
    }
    nav a.active {
      font-weight: bold;
      text-decoration: none;
    }
    .status {
      display: flex;
      flex-wrap: wrap;
      gap: 1rem;
      padding: 0.5rem 0;
      border-bottom: 1px solid #ddd;
      font-size: 0.9rem;
    }
    .pill {
      padding: 0 0.5rem;
      border-radius: 1rem;
      background: #e8f0fe;
    }
    .pill[data-phase='error'] {
      background: #fde8e8;
    }
    .error {
      color: #a10000;
    }
  `,
})
export class App {
  private readonly store = inject(Store);
  protected readonly status = this.store.selectSignal(selectSyncStatus);
  protected readonly persistent = this.store.selectSignal(selectPersistentStorage);
}
