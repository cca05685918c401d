import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Store } from '@ngrx/store';
import { OfflineSyncService, selectIsHydrated } from 'offline-sync-kit';
import { Priority, Todo, TodoSync } from '../entities';
import { TodoItem } from './todo-item';
import { userMessage } from '../user-message';

/** The task board: every change is in the store at once and durable in IndexedDB moments later. */
@Component({
  selector: 'app-todo-board',
  imports: [FormsModule, TodoItem],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form (ngSubmit)="add()" class="add" data-testid="add-todo">
      <label for="new-todo-title">New task</label>
      <input
        id="new-todo-title"
        name="title"
        [(ngModel)]="title"
        required
        autocomplete="off"
        placeholder="What needs doing?"
      />
      <label for="new-todo-priority" class="visually-hidden">Priority</label>
      <select id="new-todo-priority" name="priority" [(ngModel)]="priority">
        <option value="high">High</option>
        <option value="medium">Medium</option>
        <option value="low">Low</option>
      </select>
      <button type="submit" class="primary" [disabled]="!title().trim()">Add</button>
    </form>
    @if (!hydrated()) {
      <p>Loading tasks stored on this device…</p>
    }
    <ul class="todos" data-testid="todos" aria-label="Tasks">
      @for (todo of todos(); track todo.id) {
        <li>
          <app-todo-item [todo]="todo" [meta]="metas()[todo.id]" (failed)="error.set($event)" />
        </li>
      } @empty {
        @if (hydrated()) {
          <li class="empty">No tasks yet. Add one above; it is saved on this device at once.</li>
        }
      }
    </ul>
    @if (error(); as message) {
      <p class="error" role="alert">{{ message }}</p>
    }
  `,
  styles: `
    .todos {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    .empty {
      padding: 1rem 0;
      color: var(--muted);
    }
  `,
})
export class TodoBoard {
  private readonly sync = inject(OfflineSyncService);
  private readonly store = inject(Store);
  protected readonly todos = this.store.selectSignal(TodoSync.selectors.selectAll);
  protected readonly metas = this.store.selectSignal(TodoSync.selectors.selectMetaEntities);
  protected readonly hydrated = this.store.selectSignal(selectIsHydrated);
  protected readonly title = signal('');
  protected readonly priority = signal<Priority>('medium');
  protected readonly error = signal<string | null>(null);

  protected async add(): Promise<void> {
    const title = this.title().trim();
    if (!title) return;
    this.title.set('');
    try {
      await this.sync.saveModel<Todo>('todo', {
        title,
        notes: '',
        done: false,
        priority: this.priority(),
        assignee: '',
      });
      this.error.set(null);
    } catch (e) {
      this.title.set(title); // not stored: give the text back
      this.error.set(userMessage(e));
    }
  }
}
