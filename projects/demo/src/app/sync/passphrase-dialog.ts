import {
  ChangeDetectionStrategy,
  Component,
  effect,
  ElementRef,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';

/** A modal asking for the encryption passphrase: to turn encryption on, or to unlock. */
@Component({
  selector: 'app-passphrase-dialog',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <dialog #dialog aria-labelledby="passphrase-heading" (cancel)="cancel()">
      <form (ngSubmit)="submit()">
        <h2 id="passphrase-heading">
          {{ purpose() === 'unlock' ? 'Unlock this device' : 'Encrypt this device' }}
        </h2>
        <p>
          @if (purpose() === 'unlock') {
            The tasks on this device are encrypted. Enter the passphrase to open them.
          } @else {
            Everything the demo stores on this device will be encrypted with a key made from this
            passphrase. It is never stored; without it the local data cannot be read.
          }
        </p>
        <label for="passphrase">Passphrase</label>
        <input
          id="passphrase"
          name="passphrase"
          type="password"
          data-testid="passphrase-input"
          [attr.autocomplete]="purpose() === 'unlock' ? 'current-password' : 'new-password'"
          [(ngModel)]="passphrase"
          required
        />
        @if (purpose() === 'enable') {
          <label for="passphrase-again">The same passphrase again</label>
          <input
            id="passphrase-again"
            name="passphraseAgain"
            type="password"
            data-testid="passphrase-confirm"
            autocomplete="new-password"
            [(ngModel)]="again"
            required
          />
          @if (again() && again() !== passphrase()) {
            <p class="error" role="alert">The two passphrases differ.</p>
          }
        }
        @if (error(); as message) {
          <p class="error" role="alert" data-testid="passphrase-error">{{ message }}</p>
        }
        <div class="actions">
          <button
            type="submit"
            class="primary"
            data-testid="passphrase-submit"
            [disabled]="!ready()"
          >
            {{ purpose() === 'unlock' ? 'Unlock' : 'Encrypt' }}
          </button>
          @if (purpose() === 'enable') {
            <button type="button" (click)="cancel()">Cancel</button>
          }
        </div>
      </form>
    </dialog>
  `,
  styles: `
    dialog {
      max-width: min(28rem, 92vw);
      border: 1px solid var(--line);
      border-radius: 0.5rem;
    }
    form {
      display: grid;
      gap: 0.5rem;
    }
    h2 {
      margin: 0;
      font-size: 1.1rem;
    }
    .actions {
      display: flex;
      gap: 0.5rem;
    }
    .error {
      color: var(--danger);
    }
  `,
})
export class PassphraseDialog {
  readonly open = input(false);
  readonly purpose = input<'enable' | 'unlock'>('enable');
  readonly error = input<string | null>(null);
  readonly submitted = output<string>();
  readonly cancelled = output<void>();
  protected readonly passphrase = signal('');
  protected readonly again = signal('');
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  constructor() {
    effect(() => {
      const dialog = this.dialog().nativeElement;
      if (this.open() && !dialog.open) dialog.showModal();
      if (!this.open() && dialog.open) dialog.close();
    });
  }

  /** A passphrase typed, and for a new one typed twice the same (a typo would lock the data). */
  protected ready(): boolean {
    return (
      !!this.passphrase() && (this.purpose() === 'unlock' || this.again() === this.passphrase())
    );
  }

  protected submit(): void {
    if (!this.ready()) return;
    const passphrase = this.passphrase();
    this.clear();
    this.submitted.emit(passphrase);
  }

  protected cancel(): void {
    this.clear();
    this.cancelled.emit();
  }

  private clear(): void {
    this.passphrase.set('');
    this.again.set('');
  }
}
