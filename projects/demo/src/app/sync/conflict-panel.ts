import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { OfflineSyncService, SyncConflict } from 'offline-sync-kit';
import { userMessage } from '../user-message';
import { recordLabel } from './record-label';

/** Fields shown side by side; `id`, `version` and `updatedAt` are the kit's and the server's. */
const HIDDEN_FIELDS = new Set(['id', 'version', 'updatedAt']);

/** Conflicts left to the user (strategy `manual`): this device's version next to the server's. */
@Component({
  selector: 'app-conflict-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (conflicts().length > 0) {
      <section aria-labelledby="conflicts-heading" class="panel">
        <h2 id="conflicts-heading">Conflicts to resolve ({{ conflicts().length }})</h2>
        @for (conflict of conflicts(); track conflict.modelType + conflict.id) {
          <article data-testid="conflict" [attr.data-id]="conflict.id">
            <table>
              <caption [id]="'conflict-' + conflict.id">
                {{
                  conflict.modelType
                }}
                “{{
                  title(conflict)
                }}”
              </caption>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">On this device</th>
                  <th scope="col">On the server</th>
                </tr>
              </thead>
              <tbody>
                @for (field of fields(conflict); track field) {
                  <tr [class.differs]="differs(conflict, field)">
                    <th scope="row">{{ field }}</th>
                    <td>{{ show(conflict.local, field) }}</td>
                    <td>{{ show(conflict.server, field) }}</td>
                  </tr>
                }
              </tbody>
            </table>
            <div class="actions">
              <button
                type="button"
                class="primary"
                data-testid="keep-local"
                [attr.aria-describedby]="'conflict-' + conflict.id"
                (click)="resolve(conflict, 'local')"
              >
                Keep mine
              </button>
              <button
                type="button"
                data-testid="keep-server"
                [attr.aria-describedby]="'conflict-' + conflict.id"
                (click)="resolve(conflict, 'server')"
              >
                Keep the server's
              </button>
            </div>
          </article>
        }
        @if (error(); as message) {
          <p class="error" role="alert">{{ message }}</p>
        }
      </section>
    }
  `,
  styles: `
    article {
      margin: 0.5rem 0 1rem;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-size: 0.9rem;
    }
    caption {
      text-align: left;
      font-weight: 600;
      padding-bottom: 0.3rem;
    }
    th,
    td {
      text-align: left;
      padding: 0.25rem 0.4rem;
      border-bottom: 1px solid var(--line);
      overflow-wrap: anywhere;
    }
    tr.differs td {
      background: #fff4d6;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      margin-top: 0.5rem;
    }
  `,
})
export class ConflictPanel {
  private readonly sync = inject(OfflineSyncService);
  protected readonly conflicts = this.sync.conflicts;
  protected readonly error = signal<string | null>(null);

  protected fields(conflict: SyncConflict): string[] {
    const names = new Set([
      ...Object.keys(conflict.local ?? {}),
      ...Object.keys(conflict.server ?? {}),
    ]);
    return [...names].filter((name) => !HIDDEN_FIELDS.has(name)).sort();
  }

  protected title(conflict: SyncConflict): string {
    return recordLabel(conflict.local ?? conflict.server, conflict.id);
  }

  protected differs(conflict: SyncConflict, field: string): boolean {
    return this.show(conflict.local, field) !== this.show(conflict.server, field);
  }

  protected show(record: unknown, field: string): string {
    if (record === null || record === undefined) return '(deleted)';
    const value = (record as Record<string, unknown>)[field];
    return value === undefined || value === '' ? '—' : String(value);
  }

  protected async resolve(conflict: SyncConflict, resolution: 'local' | 'server'): Promise<void> {
    try {
      // On the revision shown: if the conflict changed meanwhile, the user decides again.
      await this.sync.resolveConflict(
        conflict.modelType,
        conflict.id,
        resolution,
        conflict.revision
      );
      this.error.set(null);
    } catch (e) {
      this.error.set(userMessage(e));
    }
  }
}
