import { ChangeDetectionStrategy, Component, effect, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ConflictResolutionStrategy, OfflineSyncService } from 'offline-sync-kit';
import { saveStrategy, savedStrategy, STRATEGIES } from '../demo-settings';
import { PassphraseDialog } from './passphrase-dialog';
import { userMessage } from '../user-message';

/** How conflicts are settled, and encryption at rest on this device. */
@Component({
  selector: 'app-settings-panel',
  imports: [FormsModule, PassphraseDialog],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="settings">
      <label
        >Conflicts:
        <select
          data-testid="conflict-strategy"
          [ngModel]="strategy()"
          (ngModelChange)="pickStrategy($event)"
        >
          @for (option of strategies; track option) {
            <option [value]="option">{{ option }}</option>
          }
        </select>
      </label>
      <button
        type="button"
        data-testid="encryption-toggle"
        [attr.aria-pressed]="sync.isEncryptionEnabled()"
        [disabled]="busy() || sync.encryptionState() === 'rewriting'"
        (click)="toggleEncryption()"
      >
        {{ toggleLabel() }}
      </button>
      @if (error(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      }
    </div>
    <app-passphrase-dialog
      [open]="asking() !== null"
      [purpose]="asking() ?? 'enable'"
      [error]="dialogError()"
      (submitted)="usePassphrase($event)"
      (cancelled)="asking.set(null)"
    />
  `,
  styles: `
    .settings {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      padding: 0.6rem 0;
    }
  `,
})
export class SettingsPanel {
  protected readonly sync = inject(OfflineSyncService);
  protected readonly strategies = STRATEGIES;
  protected readonly strategy = signal(savedStrategy());
  /** Why the passphrase dialog is open, or `null` when closed. */
  protected readonly asking = signal<'enable' | 'unlock' | null>(null);
  protected readonly dialogError = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    // A database encrypted in an earlier visit starts locked: ask for its passphrase.
    effect(() => {
      if (this.sync.encryptionState() === 'locked') this.asking.set('unlock');
    });
  }

  protected toggleLabel(): string {
    switch (this.sync.encryptionState()) {
      case 'locked':
        return 'Unlock…';
      case 'rewriting':
        return 'Rewriting stored data…';
      case 'on':
        return 'Turn encryption off';
      default:
        return 'Encrypt this device…';
    }
  }

  protected pickStrategy(strategy: ConflictResolutionStrategy): void {
    this.strategy.set(strategy);
    saveStrategy(strategy);
    this.sync.updateSyncOptions({ conflicts: { strategy } });
  }

  protected async toggleEncryption(): Promise<void> {
    const state = this.sync.encryptionState();
    if (state === 'on') {
      try {
        await this.busyWith(() => this.sync.disableEncryption());
        this.error.set(null);
      } catch (e) {
        this.error.set(userMessage(e));
      }
      return;
    }
    this.dialogError.set(null);
    this.asking.set(state === 'locked' ? 'unlock' : 'enable');
  }

  protected async usePassphrase(passphrase: string): Promise<void> {
    try {
      await this.busyWith(() => this.sync.enableEncryption(passphrase));
      this.asking.set(null);
    } catch (e) {
      this.dialogError.set(userMessage(e));
    }
  }

  private async busyWith(work: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    try {
      await work();
    } finally {
      this.busy.set(false);
    }
  }
}
