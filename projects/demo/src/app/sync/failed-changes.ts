import { ChangeDetectionStrategy, Component, effect, inject, signal } from '@angular/core';
import { Store } from '@ngrx/store';
import { Mutation, OfflineSyncService, selectFailedCount } from 'offline-sync-kit';

/** Changes the server refused for good (dead letters), each with retry and discard. */
@Component({
  selector: 'app-failed-changes',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (failed().length > 0) {
      <section aria-labelledby="failed-heading" class="panel">
        <h2 id="failed-heading">Changes the server refused</h2>
        <ul>
          @for (change of failed(); track change.mutationId) {
            <li data-testid="failed-change" [attr.data-id]="change.recordId">
              <span
                >{{ change.op }} of {{ change.modelType }} “{{
                  change.patch['title'] ?? change.recordId
                }}”: {{ change.lastError?.message ?? 'refused' }}</span
              >
              <button type="button" data-testid="failed-retry" (click)="retry(change)">
                Retry
              </button>
              <button
                type="button"
                data-testid="failed-discard"
                class="danger"
                (click)="discard(change)"
              >
                Discard
              </button>
            </li>
          }
        </ul>
      </section>
    }
  `,
  styles: `
    li {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
      padding: 0.3rem 0;
    }
    li span {
      flex: 1 1 14rem;
    }
  `,
})
export class FailedChanges {
  private readonly sync = inject(OfflineSyncService);
  private readonly failedCount = inject(Store).selectSignal(selectFailedCount);
  protected readonly failed = signal<Mutation[]>([]);

  constructor() {
    // The list is read from the outbox whenever the number of dead letters changes.
    effect(() => {
      this.failedCount();
      void this.sync.failedChanges().then((changes) => this.failed.set(changes));
    });
  }

  protected retry(change: Mutation): Promise<void> {
    return this.sync.retryFailed(change.modelType, change.recordId);
  }

  protected discard(change: Mutation): Promise<void> {
    return this.sync.discardFailed(change.modelType, change.recordId);
  }
}
