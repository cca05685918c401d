import { resolveByStrategy } from './conflict-resolution';

describe('resolveByStrategy (built-in strategies)', () => {
  const base = { id: 't1', title: 'Milk', done: false, note: 'a' };
  const local = { ...base, done: true };
  const server = { ...base, title: 'Oat milk' };

  it('serverWins and clientWins take one side whole, deletions included', () => {
    expect(resolveByStrategy('serverWins', { base, local, server })).toEqual({
      record: server,
      winner: 'server',
    });
    expect(resolveByStrategy('clientWins', { base, local, server })).toEqual({
      record: local,
      winner: 'local',
    });
    expect(resolveByStrategy('serverWins', { base, local, server: null }).record).toBeNull();
    expect(resolveByStrategy('clientWins', { base, local: null, server }).record).toBeNull();
  });

  it('lastUpdateWins takes the side changed last on the server clock; ties go to the server', () => {
    const at = (localUpdatedAt: number | null, serverUpdatedAt: number | null) =>
      resolveByStrategy('lastUpdateWins', { base, local, server, localUpdatedAt, serverUpdatedAt })
        .winner;
    expect(at(2000, 1000)).toBe('local');
    expect(at(1000, 2000)).toBe('server');
    expect(at(1000, 1000)).toBe('server');
    expect(at(null, 1000)).toBe('server');
    expect(at(1000, null)).toBe('local');
  });

  it('mergeFields merges fields changed on one side only', () => {
    expect(resolveByStrategy('mergeFields', { base, local, server })).toEqual({
      record: { id: 't1', title: 'Oat milk', done: true, note: 'a' },
      winner: 'merged',
    });
  });

  it('mergeFields settles a field changed on both sides by the same-field rule', () => {
    const mine = { ...base, title: 'Soy milk' };
    expect(resolveByStrategy('mergeFields', { base, local: mine, server }).record?.['title']).toBe(
      'Oat milk'
    );
    const clientRule = { sameField: 'clientWins' as const, deleteVsUpdate: 'updateWins' as const };
    expect(
      resolveByStrategy('mergeFields', { base, local: mine, server }, clientRule).record?.['title']
    ).toBe('Soy milk');
  });

  it('mergeFields keeps removals from either side and agrees when both made the same change', () => {
    const { note: _n, ...withoutNote } = base;
    const same = { ...base, done: true };
    const outcome = resolveByStrategy('mergeFields', { base, local: withoutNote, server: same });
    expect(outcome.record).toEqual({ id: 't1', title: 'Milk', done: true });
    expect(resolveByStrategy('mergeFields', { base, local: same, server: same })).toEqual({
      record: same,
      winner: 'server',
    });
  });

  it('lets an update win over a delete by default, either way round, and the delete win if asked', () => {
    expect(resolveByStrategy('mergeFields', { base, local: null, server })).toEqual({
      record: server,
      winner: 'server',
    });
    expect(resolveByStrategy('lastUpdateWins', { base, local, server: null })).toEqual({
      record: local,
      winner: 'local',
    });
    const deleteWins = { sameField: 'serverWins' as const, deleteVsUpdate: 'deleteWins' as const };
    expect(
      resolveByStrategy('mergeFields', { base, local: null, server }, deleteWins).record
    ).toBeNull();
    expect(
      resolveByStrategy('mergeFields', { base, local, server: null }, deleteWins).record
    ).toBeNull();
    expect(resolveByStrategy('mergeFields', { base, local: null, server: null }).record).toBeNull();
  });

  it('lets a delete win against a side that left the record unchanged (no edit to lose)', () => {
    expect(resolveByStrategy('mergeFields', { base, local: null, server: { ...base } })).toEqual({
      record: null,
      winner: 'local',
    });
    expect(resolveByStrategy('lastUpdateWins', { base, local: { ...base }, server: null })).toEqual(
      { record: null, winner: 'server' }
    );
  });
});
