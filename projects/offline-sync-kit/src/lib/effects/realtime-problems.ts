import { SyncErrorInfo } from '../model/sync-error';

/**
 * The server's message types the kit reads itself (docs/protocol.md, WebSocket); any other type
 * is an app message, for the handlers the app registers.
 *
 * @example
 * if (!KIT_MESSAGES.has(message.type) && !handlers.has(message.type)) report(message.type);
 */
export const KIT_MESSAGES: ReadonlySet<string> = new Set([
  'auth_ok',
  'auth_error',
  'subscribed',
  'subscribe_error',
  'unsubscribed',
  'pong',
  'change',
  'batch_result',
  'error',
]);

/**
 * The report of a message no handler takes: dropped in silence, a server sending the wrong thing
 * (or an app that forgot its handler) would go unnoticed.
 *
 * @example
 * store.dispatch(OfflineSyncWebSocketActions.messageProblem({ error: unhandledMessage('chat') }));
 */
export function unhandledMessage(type: string): SyncErrorInfo {
  return {
    kind: 'invalid-response',
    message:
      `A WebSocket message of type "${type}" came, and no handler is registered for it; it was ` +
      `ignored. Register one with registerMessageHandler("${type}", …) if the app expects it; ` +
      'the types the kit itself reads are in docs/protocol.md (WebSocket).',
  };
}

/**
 * The report of a change event the kit cannot use (`problem`, from `readChangeMessage`), naming
 * the entity type and record as far as the event could be read.
 *
 * @example
 * unusableChange('"id" must be a non-empty string, not nothing', 'todo', undefined);
 */
export function unusableChange(
  problem: string,
  modelType: string | undefined,
  id: unknown
): SyncErrorInfo {
  return {
    kind: 'invalid-response',
    message:
      `A WebSocket change event${modelType ? ` of ${modelType}` : ''} could not be used ` +
      `(${problem}); it was ignored, and a pull fetches the change instead. Change events must ` +
      'have the fields docs/protocol.md (WebSocket) lists.',
    ...(modelType === undefined ? {} : { modelType }),
    ...(typeof id === 'string' && id !== '' ? { recordId: id } : {}),
  };
}
