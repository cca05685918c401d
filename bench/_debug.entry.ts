import { Dexie } from 'dexie';
import { SyncStorage } from '../projects/offline-sync-kit/src/lib/storage/sync-storage';
import { localWrite, plainSpec } from '../projects/offline-sync-kit/src/testing-support/test-storage';
let ids = 0;
function mk(name: string, enc: boolean) {
  const s = new SyncStorage({ databaseName: name, clock: () => Date.now(), newId: () => `m-${++ids}`, encryptionKey: enc ? { key: new Uint8Array(32).fill(1) } : null });
  s.registerSpec(plainSpec('todo'));
  return s;
}
async function attempt(label: string, enc: boolean, n: number, hydrateFirst: boolean, openFirst: boolean) {
  const name = `dbg-${label}-${Date.now()}`;
  const s = mk(name, enc);
  try {
    if (openFirst) await s.open();
    if (hydrateFirst) await s.hydrate('todo');
    const recs = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, title: `x${i}` }));
    await Promise.all(recs.map((r) => s.write(localWrite.save('todo', r))));
    return `${label}: ok`;
  } catch (e) {
    return `${label}: FAIL ${(e as Error).message.slice(0, 120)} cause=${String((e as {cause?: unknown}).cause)}`;
  } finally { s.close(); await Dexie.delete(name); }
}
(window as any).dbg = async () => {
  const out: string[] = [];
  for (const enc of [false, true])
    for (const n of [1, 3])
      for (const hyd of [false, true])
        for (const op of [false, true])
          out.push(await attempt(`enc=${enc} n=${n} hydrate=${hyd} open=${op}`, enc, n, hyd, op));
  return out;
};
