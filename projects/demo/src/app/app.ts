import { ChangeDetectionStrategy, Component, DestroyRef, inject } from '@angular/core';
import { OfflineSyncService } from 'offline-sync-kit';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { ConflictPanel } from './sync/conflict-panel';
import { FailedChanges } from './sync/failed-changes';
import { SettingsPanel } from './sync/settings-panel';
import { StatusBar } from './sync/status-bar';

/** The shell: navigation, sync status and settings, conflicts and refused changes, the page. */
@Component({
  selector: 'app-root',
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    StatusBar,
    SettingsPanel,
    ConflictPanel,
    FailedChanges,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
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
    <app-status-bar />
    <app-settings-panel />
    <app-conflict-panel />
    <app-failed-changes />
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
      font-size: 1.3rem;
      margin: 0;
    }
    h1 span {
      color: var(--muted);
      font-weight: normal;
    }
    nav a {
      margin-left: 1rem;
      color: var(--accent);
    }
    nav a.active {
      font-weight: bold;
      text-decoration: none;
    }
  `,
})
export class App {
  private readonly sync = inject(OfflineSyncService);

  constructor() {
    // A change is durable once its write commits (milliseconds): until then, ask before leaving.
    const guard = (event: BeforeUnloadEvent) => {
      if (this.sync.hasUnsavedWrites()) event.preventDefault();
    };
    addEventListener('beforeunload', guard);
    inject(DestroyRef).onDestroy(() => removeEventListener('beforeunload', guard));
  }
}
