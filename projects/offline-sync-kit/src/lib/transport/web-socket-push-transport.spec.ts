import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { CONTEXT, createTodo, updateTodo } from './testing/transport-fixtures';
import { WebSocketConnection } from './web-socket-connection';
import { WebSocketMessage } from './web-socket-messages';
import { WebSocketPushTransport } from './web-socket-push-transport';

describe('WebSocketPushTransport, a batch answered with an error', () => {
  function transportAnswering(answer: Omit<WebSocketMessage, 'type'>) {
    const connection = {
      state: 'connected',
      request: (message: { requestId: string }) =>
        Promise.resolve({ type: 'batch_result', requestId: message.requestId, ...answer }),
    };
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        WebSocketPushTransport,
        { provide: WebSocketConnection, useValue: connection },
      ],
    });
    return TestBed.inject(WebSocketPushTransport);
  }

  afterEach(() => TestBed.resetTestingModule());

  it('sends the batch again after a server fault, as the same answer over HTTP would', async () => {
    const transport = transportAnswering({
      error: { code: 'internal', message: 'database is locked' },
      status: 500,
    });
    const outcomes = await transport.push(CONTEXT, [createTodo('t1'), updateTodo('t2', { a: 1 })]);
    expect(outcomes.map((o) => [o.mutationId, o.status])).toEqual([
      [jasmine.any(String), 'retry'],
      [jasmine.any(String), 'retry'],
    ]);
    expect(outcomes[0]?.status === 'retry' && outcomes[0].error.recordId).toBe('t1');
  });

  it('refuses every entry when the batch envelope itself was refused', async () => {
    const transport = transportAnswering({
      error: { code: 'bad_request', message: 'mutations must be an array' },
      status: 400,
    });
    const outcomes = await transport.push(CONTEXT, [createTodo('t1')]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected']);
  });
});
