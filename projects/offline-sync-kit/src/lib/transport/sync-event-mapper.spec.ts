import { OfflineSyncError } from '../model/sync-error';
import { SyncEventMapper } from './sync-event-mapper';

describe('SyncEventMapper', () => {
  it("knows the reference server's names and the kit's own, both ways", () => {
    const mapper = new SyncEventMapper();
    expect(mapper.toSyncEventType('created')).toBe('modelAdded');
    expect(mapper.toSyncEventType('deleted')).toBe('modelDeleted');
    expect(mapper.toSyncEventType('syncCompleted')).toBe('syncCompleted');
    expect(mapper.toSyncEventType('something else')).toBeNull();
    expect(mapper.toEventName('modelUpdated')).toBe('updated');
    expect(mapper.toEventName('conflictDetected')).toBe('conflictDetected');
  });

  it('maps custom names in both directions', () => {
    const mapper = new SyncEventMapper({
      eventNameToType: { 'todo.created': 'modelAdded', 'todo.patched': 'modelUpdated' },
      typeToEventName: { syncCompleted: 'sync.done' },
    });
    expect(mapper.toSyncEventType('todo.patched')).toBe('modelUpdated');
    expect(mapper.toSyncEventType('updated')).toBe('modelUpdated'); // the defaults stay
    expect(mapper.toEventName('modelAdded')).toBe('todo.created');
    expect(mapper.toEventName('syncCompleted')).toBe('sync.done');
    expect(mapper.toEventName('modelDeleted')).toBe('deleted');
  });

  it('refuses a mapping to a type the kit does not have', () => {
    const bad = () =>
      new SyncEventMapper({ eventNameToType: { x: 'modelExploded' as 'modelAdded' } });
    expect(bad).toThrowError(OfflineSyncError, /modelExploded/);
  });
});
