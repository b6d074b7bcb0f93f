import { validationError } from './errors';

/**
 * Cursor pagination: a token names the sort key of the last item returned, so items created between
 * pages neither repeat nor shift the next page. `items` must already be filtered and sorted by
 * `sortKey` in `order`.
 */
export interface PageRequest {
  operation: string;
  maxResults: number | undefined;
  nextToken: string | undefined;
  defaultPageSize: number;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

const MAX_PAGE_SIZE = 1000;

const encode = (operation: string, after: string): string =>
  Buffer.from(JSON.stringify({ op: operation, after }), 'utf8').toString('base64url');

const decode = (operation: string, token: string): string => {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { op?: unknown; after?: unknown };
    if (parsed.op === operation && typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the validation error
  }
  throw validationError('Invalid nextToken', [{ name: 'nextToken', message: 'Invalid pagination token' }]);
};

export const paginate = <T>(items: T[], sortKey: (item: T) => string, order: 'asc' | 'desc', request: PageRequest): Page<T> => {
  const size = Math.min(request.maxResults ?? request.defaultPageSize, MAX_PAGE_SIZE);
  let remaining = items;
  if (request.nextToken !== undefined && request.nextToken !== '') {
    const after = decode(request.operation, request.nextToken);
    remaining = items.filter((item) => (order === 'asc' ? sortKey(item) > after : sortKey(item) < after));
  }
  const page = remaining.slice(0, size);
  const last = page[page.length - 1];
  return remaining.length > size && last !== undefined
    ? { items: page, nextToken: encode(request.operation, sortKey(last)) }
    : { items: page };
};
