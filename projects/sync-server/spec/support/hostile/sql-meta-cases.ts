import type { SeededRandom } from '../seeded-random';
import { acceptedWrite } from './accepted-writes';
import { ALICE, isValidCollection, isValidId, isValidKey, request, type CaseDraft } from './cases';
import { badCollectionWrite, badIdWrite } from './name-cases';
import { feedRequest } from './route-cases';
import { ODD_STRINGS, ODD_VALID_CONTENT_TYPES, ODD_VALID_KEYS, SQL_META } from './values';
import type { World } from './world';

/**
 * SQL meta-characters in every field. Where the protocol allows them (data, keys, some ids)
 * the write must succeed and store them byte for byte; elsewhere it must be refused.
 */
export function sqlMeta(w: World, r: SeededRandom): CaseDraft {
  const meta = r.pick(SQL_META);
  switch (r.int(0, 9)) {
    case 0:
    case 1:
    case 2: {
      // In field names and values (the generated data is full of them), written to a new
      // record, over one written before (replace, merge patch), as a re-creation, or a delete.
      const roll = r.next();
      const target =
        roll < 0.4 && w.owned.length > 0
          ? r.pick(w.owned)
          : roll < 0.5 && w.gone.length > 0
            ? r.pick(w.gone)
            : undefined;
      const deleting =
        !!target && w.current(target.user, target.collection, target.id) && r.chance(0.15);
      return acceptedWrite(w, r, {
        category: 'sql-meta',
        label: 'meta-characters in data',
        ...(target ?? {}),
        ...(deleting ? { via: 'delete' as const } : {}),
        ...(r.chance(0.3) ? { contentType: r.pick(ODD_VALID_CONTENT_TYPES) } : {}),
      });
    }
    case 3: {
      const key = `${r.pick(ODD_VALID_KEYS)}${w.fresh('')}`;
      return acceptedWrite(w, r, { category: 'sql-meta', label: `key ${key}`, key });
    }
    case 4: {
      // In ids: valid where every character is allowed, refused otherwise.
      const id = `${meta}${w.fresh('')}`;
      if (isValidId(id))
        return acceptedWrite(w, r, { category: 'sql-meta', label: `id ${id}`, id });
      return badIdWrite(w, r, 'sql-meta', r.chance(0.5) && !isValidId(meta) ? meta : id);
    }
    case 5:
      return isValidCollection(meta)
        ? acceptedWrite(w, r, {
            category: 'sql-meta',
            label: `collection ${meta}`,
            collection: meta,
          })
        : badCollectionWrite(w, r, 'sql-meta', meta);
    case 6: {
      const header = r.pick(['if-match', 'idempotency-key', 'authorization'] as const);
      const value = header === 'authorization' ? `Bearer ${meta}` : meta;
      if (header === 'idempotency-key' && isValidKey(value)) {
        return acceptedWrite(w, r, {
          category: 'sql-meta',
          label: `key ${value}`,
          key: `${value}${w.fresh('')}`,
        });
      }
      const base = w.baseWrite(
        header === 'if-match'
          ? ['replace', 'update', 'delete']
          : ['create', 'replace', 'update', 'delete']
      );
      const req = w.toRequest(base);
      if (header === 'authorization')
        req.headers = req.headers.filter(([name]) => name !== 'authorization');
      req.headers.push([header, value]);
      return { category: 'sql-meta', label: `${header}: ${value}`, expect: 'reject', request: req };
    }
    case 7: {
      const field = r.pick(['op', 'baseVersion', 'mutationId']);
      if (field === 'mutationId' && isValidKey(meta)) {
        const key = `${meta}${w.fresh('')}`;
        return acceptedWrite(w, r, {
          category: 'sql-meta',
          label: `mutationId ${key}`,
          via: 'batch',
          key,
        });
      }
      const item = { ...w.batchItem(), [field]: meta };
      return {
        category: 'sql-meta',
        label: `batch item ${field}: ${meta}`,
        expect: 'reject',
        batchItems: [false],
        request: request('POST', '/sync/batch', { user: ALICE, body: { mutations: [item] } }),
      };
    }
    case 8:
      return { ...feedRequest(w, r, meta), category: 'sql-meta' };
    default:
      return acceptedWrite(w, r, {
        category: 'sql-meta',
        label: 'meta-characters in a value',
        data: { [r.pick(SQL_META)]: r.pick([...SQL_META, ...ODD_STRINGS]) },
        via: r.pick(['post', 'put'] as const),
      });
  }
}
