import {
  clearFaults,
  faultLog,
  FaultRule,
  setFaults,
} from '../testing-support/sync-server-under-test';
import { syncServer } from '../testing-support/sync-server-under-test';
import { checkConverged, checkIntact } from './malformed-checks';
import { stage, Stage, stageEntity } from './malformed-stage';

/**
 * Refusals of a push that are no refusal of its changes, against the reference server through the
 * fault proxy: a server without `POST /sync/batch` (404, 405) gets the changes one request each, a
 * batch too large (413) goes again in halves, and a delete answered 404 or 410 (a server that
 * keeps no tombstones, the record deleted elsewhere) is done. None leaves a dead letter; device
 * and server agree after one sync. Staged as in malformed-answers (t1 edited, t5 created and t3
 * deleted on the device).
 */
describe('push refusals that are not about the changes', () => {
  let staged: Stage;
  let cleanup: () => Promise<void>;

  async function stageWith(useBatchEndpoint: boolean): Promise<Stage> {
    const { endpoint, devices } = stageEntity();
    cleanup = () => devices.cleanup();
    return stage(devices, endpoint, { sync: { useBatchEndpoint } });
  }

  /** Syncs once with `faults`; what reached the server, as `METHOD path` lines. */
  async function syncWith(faults: FaultRule[]): Promise<string[]> {
    await setFaults(faults);
    await staged.device.sync.syncAll();
    const log = await faultLog();
    return log.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.status}`);
  }

  async function expectDoneAndConverged(): Promise<void> {
    expect(await checkIntact(staged, { mayApply: true, recordsUnchanged: false })).toEqual([]);
    expect(staged.reported).toEqual([]);
    await clearFaults();
    await staged.device.settled();
    expect(await checkConverged(staged)).toEqual([]);
  }

  afterEach(async () => {
    staged?.stop();
    await clearFaults();
    await cleanup?.();
  });

  for (const status of [404, 405]) {
    it(`a batch answered ${status} (no batch endpoint) goes out as single requests`, async () => {
      staged = await stageWith(true);
      const batch = { method: 'POST', pathPrefix: '/sync/batch' };
      const writes = await syncWith([
        { match: batch, times: 'always', failWith: { status, body: 'Not Found' } },
      ]);
      expect(writes).toEqual([`POST ${status}`, 'PATCH 200', 'POST 201', 'DELETE 204']);
      await expectDoneAndConverged();
    });
  }

  it('a batch answered 413 goes again in halves', async () => {
    staged = await stageWith(true);
    const writes = await syncWith([
      { match: { method: 'POST', pathPrefix: '/sync/batch' }, failWith: { status: 413 } },
    ]);
    expect(writes).toEqual(['POST 413', 'POST 200', 'POST 200']);
    await expectDoneAndConverged();
  });

  for (const status of [404, 410]) {
    it(`a delete answered ${status} is done: the record is gone already`, async () => {
      staged = await stageWith(false);
      // Another device deleted t3; this server answers a delete of it with a refusal.
      const gone = await fetch(`${syncServer().url}/${staged.endpoint}/t3`, { method: 'DELETE' });
      expect(gone.status).toBe(204);
      const writes = await syncWith([
        {
          match: { method: 'DELETE', pathPrefix: `/${staged.endpoint}/t3` },
          failWith: { status, body: { error: { code: 'not_found', message: 'no such todo' } } },
        },
      ]);
      expect(writes).toEqual(['PATCH 200', 'POST 201', `DELETE ${status}`]);
      await expectDoneAndConverged();
    });
  }
});
