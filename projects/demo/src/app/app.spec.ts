import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { provideStore } from '@ngrx/store';
import { Dexie } from 'dexie';
import { filter, firstValueFrom } from 'rxjs';
import { OfflineSyncService, provideOfflineSync } from 'offline-sync-kit';
import { App } from './app';
import { routes } from './app.routes';
import { TodoSync } from './entities';
import { TodoBoard } from './todos/todo-board';

describe('demo app', () => {
  const databaseName = `demo-spec-${Date.now()}`;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [App, TodoBoard],
      providers: [
        provideRouter(routes),
        provideStore(),
        provideOfflineSync({ databaseName, entities: [TodoSync] }),
      ],
    });
  });

  afterEach(async () => {
    TestBed.resetTestingModule();
    await Dexie.delete(databaseName);
  });

  it('shows the sync status from the kit', async () => {
    const fixture = TestBed.createComponent(App);
    await TestBed.inject(OfflineSyncService).whenHydrated();
    await fixture.whenStable();
    const status = (fixture.nativeElement as HTMLElement).querySelector<HTMLElement>(
      '[data-testid="sync-status"]'
    );
    expect(status?.dataset['statusHydrated']).toBe('true');
    expect(status?.querySelector('[data-testid="status-phase"]')?.textContent).toContain('idle');
    expect(status?.querySelector('[data-testid="status-pending"]')?.textContent).toContain(
      '0 pending'
    );
    expect(status?.querySelector('[data-testid="status-encryption"]')?.textContent).toContain(
      'off'
    );
  });

  it('adds a task through the form, stores it, and counts it as pending', async () => {
    const fixture = TestBed.createComponent(TodoBoard);
    const sync = TestBed.inject(OfflineSyncService);
    await sync.whenHydrated();
    await fixture.whenStable();
    const page = fixture.nativeElement as HTMLElement;
    const input = page.querySelector<HTMLInputElement>('#new-todo-title');
    input!.value = 'Water the plants';
    input!.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    page.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await fixture.whenStable();
    expect(page.querySelector('[data-testid="todos"]')?.textContent).toContain('Water the plants');
    const stored = await sync.getAllModels<{ title: string; priority: string }>('todo');
    expect(stored.map((todo) => [todo.title, todo.priority])).toEqual([
      ['Water the plants', 'medium'],
    ]);
    // Counted once the record and its outbox entry are committed to IndexedDB.
    expect(await firstValueFrom(sync.pendingChanges$.pipe(filter((n) => n > 0)))).toBe(1);
  });
});
