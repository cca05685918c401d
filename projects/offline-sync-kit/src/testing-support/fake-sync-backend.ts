import { BehaviorSubject, Observable } from 'rxjs';
import { Mutation, SerializedRecord } from '../lib/model/mutation';
import { PushOutcome } from '../lib/model/push-outcome';
import { PullPage, ServerChange } from '../lib/model/server-change';
import { NetworkStatus } from '../lib/transport/network-status';
import {
  FetchQuery,
  PushEntry,
  SyncTransport,
  TransportContext,
  TransportEntity,
} from '../lib/transport/sync-transport';

/**
 * An in-memory server behind a {@link SyncTransport}, for unit specs of the engine: it versions
 * records, keeps a change feed with numeric cursors, and lets a spec script outcomes or hold a
 * push open. Integration specs use the real reference server instead.
 */
export class FakeSyncBackend extends SyncTransport {
  readonly records = new Map<string, ServerChange>();
  readonly pushes: Mutation[][] = [];
  readonly pulls: { cursor: string | null }[] = [];
  private readonly feed: ServerChange[] = [];
  /** Answers a pushed entry instead of the in-memory server when it returns an outcome. */
  script: ((mutation: Mutation) => PushOutcome | undefined) | null = null;
  /** Runs before a push is answered (to make edits while it is in flight). */
  beforeAnswer: (() => Promise<void>) | null = null;
  /** Fails the pull of this page number (1-based), once. */
  failPullAtPage: number | null = null;
  pageSize = 2;
  concurrentPushes = 0;
  maxConcurrentPushes = 0;

  /** Makes a change on the server side, as another device would. */
  serverWrite(id: string, data: SerializedRecord | null): ServerChange {
    const version = (this.records.get(id)?.version ?? 0) + 1;
    const change: ServerChange =
      data === null
        ? { id, deleted: true, version, updatedAt: null }
        : { id, deleted: false, version, updatedAt: null, data: { ...data, id, version } };
    this.records.set(id, change);
    this.feed.push(change); // an append-only change log: cursors are positions in it
    return change;
  }

  async push(_context: TransportContext, entries: readonly PushEntry[]): Promise<PushOutcome[]> {
    this.pushes.push(entries.map((e) => e.mutation));
    this.concurrentPushes++;
    this.maxConcurrentPushes = Math.max(this.maxConcurrentPushes, this.concurrentPushes);
    try {
      await this.beforeAnswer?.();
      return entries.map(({ mutation }) => this.script?.(mutation) ?? this.apply(mutation));
    } finally {
      this.concurrentPushes--;
    }
  }

  async pull(
    _c: TransportContext,
    _e: TransportEntity,
    cursor: string | null,
    _limit: number
  ): Promise<PullPage> {
    this.pulls.push({ cursor });
    const start = cursor === null ? 0 : Number(cursor);
    const pageNumber = start / this.pageSize + 1;
    if (this.failPullAtPage === pageNumber) {
      this.failPullAtPage = null;
      throw new Error('connection reset during the pull');
    }
    const items = this.feed.slice(start, start + this.pageSize);
    const next = start + items.length;
    return { items, cursor: String(next), hasMore: next < this.feed.length };
  }

  async fetchItems(
    _c: TransportContext,
    _e: TransportEntity,
    _q: FetchQuery
  ): Promise<ServerChange[]> {
    return [...this.records.values()];
  }

  async fetchOne(
    _c: TransportContext,
    _e: TransportEntity,
    id: string
  ): Promise<ServerChange | null> {
    return this.records.get(id) ?? null;
  }

  private apply(mutation: Mutation): PushOutcome {
    const current = this.records.get(mutation.recordId) ?? null;
    const currentVersion = current?.version ?? null;
    if (
      mutation.op !== 'create' &&
      mutation.baseVersion !== null &&
      mutation.baseVersion !== currentVersion
    ) {
      return { mutationId: mutation.mutationId, status: 'conflict', current };
    }
    const base = current && !current.deleted ? current.data : {};
    const data = mutation.op === 'delete' ? null : { ...base, ...mutation.patch };
    return {
      mutationId: mutation.mutationId,
      status: 'applied',
      record: this.serverWrite(mutation.recordId, data),
    };
  }
}

/** A {@link NetworkStatus} a spec switches by hand. */
export class FakeNetworkStatus extends NetworkStatus {
  readonly state = new BehaviorSubject<boolean>(true);
  readonly online$: Observable<boolean> = this.state.asObservable();
  checks = 0;

  async check(): Promise<boolean> {
    this.checks++;
    return this.state.value;
  }
}
