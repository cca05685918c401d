import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { DatePipe } from '@angular/common';
import { Store } from '@ngrx/store';
import { selectIsHydrated, selectPersistentStorage, selectSyncStatus } from 'offline-sync-kit';

/** The sync status, straight from the kit's selectors. */
@Component({
  selector: 'app-status-bar',
  imports: [DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    'data-testid': 'sync-status',
    '[attr.data-status-hydrated]': 'hydrated()',
    '[attr.data-status-phase]': 'status().phase',
  },
  template: `
    @let s = status();
    <!-- Read out only what a user must know, not every count and time that changes. -->
    <span class="visually-hidden" role="status" aria-live="polite"
      >{{ s.isOnline ? 'Online' : 'Offline, changes are kept on this device'
      }}{{ s.failedChanges ? '. ' + s.failedChanges + ' changes refused by the server' : '' }}</span
    >
    <span class="item" data-testid="status-online" [attr.data-online]="s.isOnline">
      <span class="dot" [class.on]="s.isOnline" aria-hidden="true"></span>
      {{ s.isOnline ? 'online' : 'offline' }}
    </span>
    <span class="item" data-testid="status-websocket" [attr.data-state]="s.webSocket"
      >live: {{ s.webSocket }}</span
    >
    <span class="item pill" data-testid="status-phase" [attr.data-phase]="s.phase">{{
      s.phase
    }}</span>
    <span class="item" data-testid="status-pending" [attr.data-count]="s.pendingChanges"
      >{{ s.pendingChanges }} pending</span
    >
    <span
      class="item"
      data-testid="status-failed"
      [attr.data-count]="s.failedChanges"
      [class.error]="s.failedChanges > 0"
      >{{ s.failedChanges }} failed</span
    >
    <span class="item" data-testid="status-last-sync">
      last sync: {{ s.lastSyncTime ? (s.lastSyncTime | date: 'mediumTime') : 'never' }}
    </span>
    <span class="item" data-testid="status-encryption" [attr.data-state]="s.encryption"
      >encryption: {{ s.encryption }}</span
    >
    <span class="item muted">storage: {{ persistent() }}</span>
    @if (s.lastError; as error) {
      <span class="item error" data-testid="status-error">{{ error.message }}</span>
    }
  `,
  styles: `
    :host {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem 1rem;
      padding: 0.6rem 0;
      border-bottom: 1px solid var(--line);
      font-size: 0.9rem;
    }
    .dot {
      display: inline-block;
      width: 0.6rem;
      height: 0.6rem;
      border-radius: 50%;
      background: #b3261e;
    }
    .dot.on {
      background: #1e7b34;
    }
    .pill {
      padding: 0 0.5rem;
      border-radius: 1rem;
      background: var(--chip);
    }
    .pill[data-phase='error'] {
      background: #fde2e1;
    }
    .error {
      color: var(--danger);
    }
    .muted {
      color: var(--muted);
    }
  `,
})
export class StatusBar {
  private readonly store = inject(Store);
  protected readonly status = this.store.selectSignal(selectSyncStatus);
  protected readonly hydrated = this.store.selectSignal(selectIsHydrated);
  protected readonly persistent = this.store.selectSignal(selectPersistentStorage);
}
