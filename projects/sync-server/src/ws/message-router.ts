import { toSyncError } from '../errors';
import type { Authenticate } from '../http/auth';
import type { JsonValue } from '../model';
import { parseBatch, type MutationRules } from '../mutations/batch';
import { isValidCollectionName } from '../mutations/validate';
import type { ResolvedOptions } from '../options';
import type { Actor, SyncEngine } from '../sync-engine';
import { createAuthHandler } from './auth-handler';
import { channelFilter, parseChannelParams } from './channel-filter';
import { isThenable, type ClientSession, type MessageRoute } from './client-session';
import { WS_CLOSE_CODES, type ClientAppMessage, type WsErrorCode } from './messages';
import type { SubscriptionRegistry } from './subscriptions';

/** Longest `requestId` of a WebSocket batch. */
const MAX_REQUEST_ID_LENGTH = 200;

/** What the router needs to answer messages. */
export interface RouterContext {
  engine: SyncEngine;
  options: ResolvedOptions;
  authenticate: Authenticate;
  registry: SubscriptionRegistry<ClientSession>;
}

/**
 * Builds the handler of every parsed client message: `auth` and `ping` always; before a
 * successful auth (when the server has auth) nothing else; then `subscribe`, `unsubscribe`,
 * `batch`, and application messages for `webSocket.onMessage`. Each answer goes back on the
 * same connection; only auth failures close it.
 *
 * @example
 * const route = createMessageRouter({ engine, options, authenticate, registry });
 * route(session, { type: 'ping', id: 1 });
 */
export function createMessageRouter(context: RouterContext): MessageRoute {
  const { engine, options, registry } = context;
  const { webSocket: ws, logger, collections } = options;
  const rules: MutationRules = { collections, maxIdLength: options.maxIdLength };
  const auth = createAuthHandler(context.authenticate, options.auth !== null, logger);
  const error = (session: ClientSession, code: WsErrorCode, message: string) =>
    session.send({ type: 'error', error: { code, message } });

  const subscribe = (session: ClientSession, message: ClientAppMessage) => {
    const channel = message['channel'];
    const refuse = (code: WsErrorCode, text: string) =>
      session.send({
        type: 'subscribe_error',
        channel: typeof channel === 'string' ? channel : null,
        error: { code, message: text },
      });
    if (typeof channel !== 'string') {
      return refuse('bad_request', 'channel must be a string: a collection name');
    }
    // The same rules as a REST path: the allow-list, or else any valid collection name.
    if (!(collections?.has(channel) ?? isValidCollectionName(channel))) {
      return refuse('unknown_collection', `There is no collection '${channel.slice(0, 64)}'`);
    }
    const parsed = parseChannelParams(message['params']);
    if (parsed.error !== undefined) return refuse('bad_request', parsed.error);
    if (!registry.subscribe(session, channel, channelFilter(parsed.params))) {
      const text = `A connection may hold at most ${ws.maxSubscriptions} subscriptions`;
      return refuse('too_many_subscriptions', text);
    }
    session.send({ type: 'subscribed', channel, params: parsed.params });
  };

  const unsubscribe = (session: ClientSession, message: ClientAppMessage) => {
    const channel = message['channel'];
    if (typeof channel !== 'string')
      return error(session, 'bad_request', 'channel must be a string');
    registry.unsubscribe(session, channel);
    session.send({ type: 'unsubscribed', channel });
  };

  const ping = (session: ClientSession, message: ClientAppMessage) => {
    // The message came from JSON.parse, so any id is a JSON value.
    const id = message['id'] as JsonValue | undefined;
    const time = options.now().toISOString();
    session.send(id === undefined ? { type: 'pong', time } : { type: 'pong', id, time });
  };

  const batch = (session: ClientSession, message: ClientAppMessage, actor: Actor) => {
    const requestId = message['requestId'];
    if (typeof requestId !== 'string' || !requestId || requestId.length > MAX_REQUEST_ID_LENGTH) {
      const text = `requestId must be a string of 1 to ${MAX_REQUEST_ID_LENGTH} characters`;
      const info = { code: 'invalid_request', message: text };
      return session.send({ type: 'batch_result', requestId: null, error: info, status: 400 });
    }
    try {
      // Exactly what POST /sync/batch does, so results and idempotency keys are shared.
      const items = parseBatch({ mutations: message['mutations'] }, rules, options.maxBatchSize);
      session.send({ type: 'batch_result', requestId, results: engine.writeBatch(actor, items) });
    } catch (err) {
      const failure = toSyncError(err);
      if (failure.status >= 500) logger.error(`WS #${session.id} batch ${requestId} failed`, err);
      const { info, status } = failure;
      session.send({ type: 'batch_result', requestId, error: info, status });
    }
  };

  const application = (session: ClientSession, message: ClientAppMessage) => {
    const type = message.type.slice(0, 64);
    if (!ws.onMessage) {
      return error(session, 'unsupported_message', `Unsupported message type '${type}'`);
    }
    const failed = (err: unknown) => {
      logger.error(`WS #${session.id} onMessage failed for '${type}'`, err);
      error(session, 'handler_failed', `The server failed to handle '${type}'`);
    };
    const userId = session.actor?.userId ?? null;
    try {
      const pending = ws.onMessage(message, { userId, send: (reply) => session.sendJson(reply) });
      if (isThenable(pending)) return Promise.resolve(pending).then(undefined, failed);
    } catch (err) {
      failed(err);
    }
  };

  return (session, message) => {
    if (message.type === 'auth') return auth(session, message);
    if (message.type === 'ping') return ping(session, message);
    if (!session.actor) {
      const text = "Authenticate first: send {type:'auth', token}";
      return session.fail('auth_error', 'unauthenticated', text, WS_CLOSE_CODES.authFailed);
    }
    switch (message.type) {
      case 'subscribe':
        return subscribe(session, message);
      case 'unsubscribe':
        return unsubscribe(session, message);
      case 'batch':
        return batch(session, message, session.actor);
      default:
        return application(session, message);
    }
  };
}
