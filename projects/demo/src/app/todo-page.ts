import { Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Store } from '@ngrx/store';
import { OfflineSyncService, selectIsHydrated } from 'offline-sync-kit';
import { Todo, TodoSync } from './entities';

/** The task list: every change is in the store at once and durable in IndexedDB moments later. */
@Component({
  selector: 'app-todo-page',
  imports: [FormsModule],
  template: `
    <form (ngSubmit)="add()" class="add">
      <label for="new-todo">New task</label>
      <input id="new-todo" name="title" [(ngModel)]="title" required autocomplete="off" />
      <button type="submit" [disabled]="!title().trim()">Add</button>
    </form>
    @if (!hydrated()) {
      <p>Loading tasks stored on this device…</p>
    }
    <ul class="todos">
      @for (todo of todos(); track todo.id) {
        <li [class.done]="todo.done">
          <input
            type="checkbox"
            [id]="'done-' + todo.id"
            [checked]="todo.done"
            (change)="toggle(todo)"
          />
          <label [for]="'done-' + todo.id">{{ todo.title }}</label>
          <small>{{ meta()[todo.id]?.state }}</small>
          <button type="button" (click)="remove(todo)" [attr.aria-label]="'Delete ' + todo.title">
            Delete
          </button>
        </li>
      } @empty {
        @if (hydrated()) {
          <li class="empty">No tasks yet.</li>
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
    }
    .todos li {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      padding: 0.4rem 0;
      border-bottom: 1px solid #eee;
    }
    .todos label {
      flex: 1;
    }
    .done label {
      text-decoration: line-through;
      color: #666;
    }
    small {
      color: #555;
    }
    .error {
      color: #a10000;
    }
  `,
})
export class TodoPage {
  private readonly sync = inject(OfflineSyncService);
  private readonly store = inject(Store);
  protected readonly todos = this.store.selectSignal(TodoSync.selectors.selectAll);
  protected readonly meta = this.store.selectSignal(TodoSync.selectors.selectMetaEntities);
  protected readonly hydrated = this.store.selectSignal(selectIsHydrated);
  protected readonly title = signal('');
  protected readonly error = signal<string | null>(null);

  protected async add(): Promise<void> {
    const title = this.title().trim();
    if (!title) return;
    this.title.set('');
    await this.run(this.sync.saveModel<Todo>('todo', { title, done: false }));
  }

  protected toggle(todo: Todo): Promise<void> {
    return this.run(this.sync.updateModel<Todo>('todo', todo.id, { done: !todo.done }));
  }

  protected remove(todo: Todo): Promise<void> {
    return this.run(this.sync.deleteModel('todo', todo.id));
  }

  private async run(write: Promise<unknown>): Promise<void> {
    try {
      await write;
      this.error.set(null);
    } catch (e) {
      this.error.set(e instanceof Error ? e.message : String(e));
    }
  }
}
