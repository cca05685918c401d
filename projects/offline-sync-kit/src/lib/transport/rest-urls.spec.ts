import { batchUrl, collectionUrl, endpointName, recordUrl, trimBaseUrl } from './rest-urls';
import { CONTEXT, TODOS } from './testing/transport-fixtures';

describe('rest URLs', () => {
  it('trims trailing slashes of the server and surrounding slashes of the endpoint', () => {
    expect(trimBaseUrl('https://api.test/v1//')).toBe('https://api.test/v1');
    expect(endpointName('/todos/')).toBe('todos');
    const context = { ...CONTEXT, serverUrl: 'https://api.test/v1/' };
    expect(collectionUrl(context, { ...TODOS, endpoint: '/todos' })).toBe(
      'https://api.test/v1/todos'
    );
    expect(batchUrl(context)).toBe('https://api.test/v1/sync/batch');
  });

  it('percent-encodes the id so it cannot change the route', () => {
    expect(recordUrl(CONTEXT, TODOS, 'a/b?c')).toBe('https://api.test/todos/a%2Fb%3Fc');
  });

  it('lets the mapping build URLs from the trimmed base, endpoint and id', () => {
    const seen: unknown[] = [];
    const entity = {
      ...TODOS,
      rest: {
        url: (parts: { baseUrl: string; endpoint: string; id?: string }) => {
          seen.push(parts);
          return `${parts.baseUrl}/api/${parts.endpoint}${parts.id ? `?id=${parts.id}` : ''}`;
        },
      },
    };
    expect(collectionUrl(CONTEXT, entity)).toBe('https://api.test/api/todos');
    expect(recordUrl(CONTEXT, entity, 't1')).toBe('https://api.test/api/todos?id=t1');
    expect(seen).toEqual([
      { baseUrl: 'https://api.test', endpoint: 'todos' },
      { baseUrl: 'https://api.test', endpoint: 'todos', id: 't1' },
    ]);
  });
});
