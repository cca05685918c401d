import {
  ChangeDetectionStrategy,
  Component,
  effect,
  ElementRef,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { OfflineSyncService, SyncMeta } from 'offline-sync-kit';
import { Priority, Todo } from '../entities';
import { userMessage } from '../user-message';

/** One task: done toggle, its sync state, and an inline editor for every field. */
@Component({
  selector: 'app-todo-item',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    'data-testid': 'todo',
    '[attr.data-id]': 'todo().id',
    '[class.done]': 'todo().done',
  },
  template: `
    @let item = todo();
    <div class="row">
      <input
        type="checkbox"
        data-testid="todo-done"
        [id]="'done-' + item.id"
        [checked]="item.done"
        (change)="save({ done: !item.done })"
      />
      <label [for]="'done-' + item.id" class="title" data-testid="todo-title">{{
        item.title
      }}</label>
      <span class="badge" [attr.data-priority]="item.priority">{{ item.priority }}</span>
      @if (item.assignee) {
        <span class="assignee">{{ item.assignee }}</span>
      }
      <span class="state" data-testid="todo-state" [attr.data-state]="meta()?.state">{{
        meta()?.state ?? ''
      }}</span>
      <button
        #editButton
        type="button"
        data-testid="todo-edit"
        (click)="startEditing()"
        [attr.aria-expanded]="editing()"
        [attr.aria-label]="'Edit ' + item.title"
      >
        Edit
      </button>
      <button
        type="button"
        data-testid="todo-delete"
        class="danger"
        (click)="remove()"
        [attr.aria-label]="'Delete ' + item.title"
      >
        Delete
      </button>
    </div>
    @if (item.notes && !editing()) {
      <p class="notes">{{ item.notes }}</p>
    }
    @if (editing()) {
      <form
        class="editor"
        data-testid="todo-editor"
        (ngSubmit)="saveDraft()"
        (keydown.escape)="stopEditing()"
      >
        <label
          >Title
          <input
            #titleInput
            name="title"
            data-testid="edit-title"
            [(ngModel)]="draft.title"
            required
            [attr.aria-invalid]="!draft.title.trim()"
        /></label>
        <label
          >Notes
          <textarea
            name="notes"
            data-testid="edit-notes"
            rows="2"
            [(ngModel)]="draft.notes"
          ></textarea>
        </label>
        <div class="fields">
          <label
            >Priority
            <select name="priority" data-testid="edit-priority" [(ngModel)]="draft.priority">
              <option value="high">High</option>
              <option value="medium">Medium</option>
              <option value="low">Low</option>
            </select>
          </label>
          <label
            >Assignee
            <input name="assignee" data-testid="edit-assignee" [(ngModel)]="draft.assignee"
          /></label>
        </div>
        <div class="actions">
          <button type="submit" class="primary" data-testid="edit-save">Save</button>
          <button type="button" (click)="stopEditing()">Cancel</button>
        </div>
      </form>
    }
  `,
  styles: `
    :host {
      display: block;
      padding: 0.5rem 0;
      border-bottom: 1px solid var(--line);
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    .title {
      flex: 1 1 10rem;
      overflow-wrap: anywhere;
    }
    :host(.done) .title {
      text-decoration: line-through;
      color: var(--muted);
    }
    .badge,
    .assignee,
    .state {
      font-size: 0.8rem;
      padding: 0 0.45rem;
      border-radius: 1rem;
      background: var(--chip);
    }
    .badge[data-priority='high'] {
      background: #fde2e1;
      color: #8a1c12;
    }
    .state[data-state='pending'] {
      background: #fff4d6;
    }
    .state[data-state='failed'],
    .state[data-state='conflict'] {
      background: #fde2e1;
      color: #8a1c12;
    }
    .notes {
      margin: 0.25rem 0 0 1.75rem;
      color: var(--muted);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      max-height: 12rem;
      overflow-y: auto;
    }
    .editor {
      display: grid;
      gap: 0.5rem;
      margin: 0.5rem 0 0 1.75rem;
    }
    .editor label {
      display: grid;
      gap: 0.2rem;
      font-size: 0.9rem;
    }
    .fields {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
    }
    .actions {
      display: flex;
      gap: 0.5rem;
    }
  `,
})
export class TodoItem {
  private readonly sync = inject(OfflineSyncService);
  readonly todo = input.required<Todo>();
  readonly meta = input<SyncMeta | undefined>();
  /** A change could not be stored: the message to show. */
  readonly failed = output<string>();
  protected readonly editing = signal(false);
  protected draft = { title: '', notes: '', priority: 'medium' as Priority, assignee: '' };
  /** The task as it was when editing began: only what the user changed since is saved. */
  private original: Todo | null = null;
  private readonly editButton = viewChild.required<ElementRef<HTMLButtonElement>>('editButton');
  private readonly titleInput = viewChild<ElementRef<HTMLInputElement>>('titleInput');

  constructor() {
    // Focus follows the editor: into its first field when it opens.
    effect(() => {
      if (this.editing()) this.titleInput()?.nativeElement.focus();
    });
  }

  protected startEditing(): void {
    const todo = this.todo();
    this.original = todo;
    this.draft = {
      title: todo.title,
      notes: todo.notes ?? '',
      priority: todo.priority ?? 'medium',
      assignee: todo.assignee ?? '',
    };
    this.editing.set(true);
  }

  protected stopEditing(): void {
    this.editing.set(false);
    this.editButton().nativeElement.focus();
  }

  protected async saveDraft(): Promise<void> {
    const before = this.original ?? this.todo();
    const title = this.draft.title.trim();
    if (!title) return; // a task keeps a title; the field says it is missing
    const { notes, priority } = this.draft;
    const assignee = this.draft.assignee.trim();
    // Only the fields changed in this editor, compared with the task as it was when it opened:
    // a field another device changed meanwhile is left as that device set it.
    const changes: Partial<Todo> = {};
    if (title !== before.title) changes.title = title;
    if (notes !== (before.notes ?? '')) changes.notes = notes;
    if (priority !== (before.priority ?? 'medium')) changes.priority = priority;
    if (assignee !== (before.assignee ?? '')) changes.assignee = assignee;
    // The editor stays open until the change is stored: if it fails, the draft is still there.
    if (Object.keys(changes).length > 0 && !(await this.save(changes))) return;
    this.stopEditing();
  }

  protected save(changes: Partial<Todo>): Promise<boolean> {
    return this.report(this.sync.updateModel<Todo>('todo', this.todo().id, changes));
  }

  protected async remove(): Promise<void> {
    await this.report(this.sync.deleteModel('todo', this.todo().id));
  }

  /** Whether the write succeeded; a failure is reported to the board. */
  private async report(write: Promise<unknown>): Promise<boolean> {
    try {
      await write;
      return true;
    } catch (e) {
      this.failed.emit(userMessage(e));
      return false;
    }
  }
}
