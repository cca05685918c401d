import { readChangeMessage, readWebSocketMessage, WebSocketMessage } from './web-socket-messages';

describe('reading WebSocket messages', () => {
  const change = (fields: Record<string, unknown>): WebSocketMessage => ({
    type: 'change',
    event: 'deleted',
    channel: 'todos',
    modelType: 'todos',
    id: 't1',
    version: 4,
    ...fields,
  });

  it('says what a frame that is no message is', () => {
    expect(readWebSocketMessage('<html>')).toBe('the frame is an HTML page, not JSON');
    expect(readWebSocketMessage(new Blob(['{}']))).toBe(
      'the frame is binary, not a JSON text frame'
    );
    expect(readWebSocketMessage('[1]')).toBe('the frame is an array of 1, not a JSON object');
    expect(readWebSocketMessage('{"id":"t1"}')).toBe(
      'the message has type nothing, not a non-empty string'
    );
    expect(readWebSocketMessage('{"type":"pong"}')).toEqual({ type: 'pong' });
  });

  it('refuses a change whose version is not a whole number ≥ 0', () => {
    // A deletion carries no record: its version is the only one the kit has to compare.
    expect(readChangeMessage(change({ version: -4 }))).toBe(
      '"version" must be a whole number, not the number -4'
    );
    expect(readChangeMessage(change({ version: 4.5 }))).toContain('not the number 4.5');
    expect(readChangeMessage(change({ version: '4' }))).toContain('not the string "4"');
    expect(readChangeMessage(change({ version: undefined }))).toEqual(
      jasmine.objectContaining({ id: 't1', version: null })
    );
    expect(readChangeMessage(change({ version: 0 }))).toEqual(
      jasmine.objectContaining({ version: 0 })
    );
  });

  it('names the first field a change lacks', () => {
    expect(readChangeMessage(change({ channel: undefined }))).toBe(
      '"channel" must be a non-empty string, not nothing'
    );
    expect(readChangeMessage(change({ id: '' }))).toContain('"id" must be a non-empty string');
    expect(readChangeMessage(change({ data: 'x' }))).toContain('"data" must be the record object');
  });
});
