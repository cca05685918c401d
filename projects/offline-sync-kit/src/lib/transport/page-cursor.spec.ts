import { laterOf, nextPage, pageParams } from './page-cursor';
import { DEFAULT_REST_MAPPING } from './resolved-rest-mapping';

describe('page cursors', () => {
  const since = { ...DEFAULT_REST_MAPPING, paging: 'since' as const };
  const offset = { ...DEFAULT_REST_MAPPING, paging: 'offset' as const };

  it('sends no cursor on the first page, and the offset from 0', () => {
    expect(pageParams(DEFAULT_REST_MAPPING, null, 10)).toEqual({ limit: '10' });
    expect(pageParams(since, null, 10)).toEqual({ limit: '10' });
    expect(pageParams(offset, null, 10)).toEqual({ offset: '0', limit: '10' });
    // A cursor stored under another paging is no offset: start over.
    expect(pageParams(offset, 'MTc', 10)).toEqual({ offset: '0', limit: '10' });
  });

  it('compares update times as numbers, as dates, or as text', () => {
    expect(laterOf('9', '10')).toBe('10');
    expect(laterOf('2026-01-01T10:00:00+02:00', '2026-01-01T09:30:00Z')).toBe(
      '2026-01-01T09:30:00Z'
    );
    expect(laterOf('b-2', 'a-9')).toBe('b-2');
  });

  it('keeps the cursor sent when a since page is empty', () => {
    expect(nextPage(since, '2026-01-01', 10, { items: [] }, [])).toEqual({
      cursor: '2026-01-01',
      hasMore: false,
    });
  });
});
