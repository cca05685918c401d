import { ChangeDetectionStrategy, Component, effect, inject, signal } from '@angular/core';
import { Store } from '@ngrx/store';
import { Mutation, OfflineSyncService, selectFailedCount } from 'offline-sync-kit';
import { TodoSync } from '../entities';
import { userMessage } from '../user-message';
import { recordLabel } from './record-label';

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
                >{{ change.op }} of {{ change.modelType }} “{{ label(change) }}”:
                {{ change.lastError?.message ?? 'refused' }}</span
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
        @if (error(); as message) {
          <p class="error" role="alert">{{ message }}</p>
        }
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
  private readonly store = inject(Store);
  private readonly failedCount = this.store.selectSignal(selectFailedCount);
  private readonly todos = this.store.selectSignal(TodoSync.selectors.selectEntities);
  protected readonly failed = signal<Mutation[]>([]);
  protected readonly error = signal<string | null>(null);
  /** Reads may overlap; only the latest one is shown. */
  private reads = 0;

  constructor() {
    // The list is read from the outbox whenever the number of dead letters changes.
    effect(() => {
      this.failedCount();
      const read = ++this.reads;
      this.sync.failedChanges().then(
        (changes) => read === this.reads && this.failed.set(changes),
        (e: unknown) => this.error.set(userMessage(e))
      );
    });
  }

  /** The task's title as the board shows it (else as the change has it), or the record's id. */
  protected label(change: Mutation): string {
    const todo = change.modelType === 'todo' ? this.todos()[change.recordId] : undefined;
    return recordLabel(todo ?? change.patch, change.recordId);
  }

  protected retry(change: Mutation): Promise<void> {
    return this.report(this.sync.retryFailed(change.modelType, change.recordId));
  }

  protected discard(change: Mutation): Promise<void> {
    return this.report(this.sync.discardFailed(change.modelType, change.recordId));
  }

  private async report(action: Promise<void>): Promise<void> {
    try {
      await action;
      this.error.set(null);
    } catch (e) {
      this.error.set(userMessage(e));
    }
  }
}
