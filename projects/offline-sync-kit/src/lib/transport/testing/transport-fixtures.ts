import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Mutation, SerializedRecord } from '../../model/mutation';
import { PushOutcome } from '../../model/push-outcome';
import { RestSyncTransport } from '../rest-sync-transport';
import type { PushEntry, TransportContext, TransportEntity } from '../sync-transport';

/**
 * Shared set-up of the transport specs: a transport over `HttpTestingController`, a context, an
 * entity and outbox entries that read like the protocol's examples. Test-only; nothing in the
 * library imports this file.
 */

/** The server URL as the requests show it (the context adds a trailing slash to prove it is trimmed). */
export const SERVER = 'https://api.test';

export const CONTEXT: TransportContext = {
  serverUrl: `${SERVER}/`,
  timeoutMs: 5_000,
  useBatchEndpoint: false,
  useDeltaSync: true,
};

export const TODOS: TransportEntity = { modelType: 'todo', endpoint: 'todos', rest: {} };

export const UPDATED_AT = '2026-11-24T10:00:00.000Z';

/** The transport under test and the controller that answers its requests. */
export function setUpTransport(): { transport: RestSyncTransport; http: HttpTestingController } {
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
  return {
    transport: TestBed.inject(RestSyncTransport),
    http: TestBed.inject(HttpTestingController),
  };
}

/** Lets a sequential push send its next request after the previous answer was flushed. */
export function nextRequestTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A record as the reference server answers it. */
export function serverTodo(
  id: string,
  version: number,
  fields: SerializedRecord = {}
): SerializedRecord {
  return { id, title: 'Milk', done: false, ...fields, version, updatedAt: UPDATED_AT };
}

function entry(mutation: Partial<Mutation> & Pick<Mutation, 'op' | 'recordId'>): Mutation {
  return {
    mutationId: `m-${mutation.op}-${mutation.recordId}`,
    modelType: 'todo',
    changedFields: Object.keys(mutation.patch ?? {}),
    patch: {},
    base: null,
    baseVersion: null,
    priority: 0,
    attempts: 0,
    createdAt: 1_732_400_000_000,
    status: 'sending',
    ...mutation,
  };
}

/** An outbox create of `record`. */
export function createTodo(id: string, fields: SerializedRecord = {}, entity = TODOS): PushEntry {
  const patch = { id, title: 'Milk', done: false, ...fields };
  return { entity, mutation: entry({ op: 'create', recordId: id, patch }) };
}

/** An outbox update of a todo at `baseVersion` (base `{id, title: 'Milk', done: false, note: 'x'}`). */
export function updateTodo(
  id: string,
  patch: SerializedRecord,
  baseVersion: number | null = 3,
  entity = TODOS
): PushEntry {
  const base = { id, title: 'Milk', done: false, note: 'x' };
  return { entity, mutation: entry({ op: 'update', recordId: id, patch, base, baseVersion }) };
}

/** An outbox delete of a todo at `baseVersion`. */
export function deleteTodo(id: string, baseVersion: number | null = 4, entity = TODOS): PushEntry {
  const base = { id, title: 'Milk', done: false };
  return { entity, mutation: entry({ op: 'delete', recordId: id, base, baseVersion }) };
}

/** The error an outcome carries (`rejected`, `retry`, `auth`), if any. */
export function errorOf(outcome: PushOutcome | undefined) {
  return outcome && 'error' in outcome ? outcome.error : undefined;
}
