import type { ActionAnswer } from './wire';

/** An answer the console could not use: a status other than 2xx, or a body that is not JSON. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * What a 401 shows, wherever the page shows an error: the browser has no session with this console (never
 * signed in, or the console restarted with a new key), and only the login link the owner was given signs it in.
 */
export const SIGN_IN_TEXT =
  'Not signed in to this console: open the login link (http://127.0.0.1:<port>/login?key=…) that drs-ledger serve, drill or console printed when it started; serve and drill also keep it in console.json in the data folder';

/** How much of a body that is not JSON an error quotes. */
const QUOTED = 200;

const bodyOf = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(response.status, `${response.status} ${response.statusText}: ${text.slice(0, QUOTED)}`);
  }
};

const field = (body: unknown, name: string): string | undefined => {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
};

/** GET a JSON answer of the console's API; a status other than 2xx throws with the server's error and message. */
export const getJson = async <T>(path: string): Promise<T> => {
  const response = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' });
  if (response.status === 401) throw new ApiError(401, SIGN_IN_TEXT);
  const body = await bodyOf(response);
  if (!response.ok) {
    const error = field(body, 'error');
    throw new ApiError(response.status, `${response.status}${error ? ` ${error}` : ''}: ${field(body, 'message') ?? response.statusText}`);
  }
  return body as T;
};

/**
 * POST to the console's API with the header its CSRF check asks for (a page of another origin cannot send it
 * without a preflight the server refuses). Every answer comes back, errors too: the page shows them as they are.
 */
export const postJson = async (path: string, body: object): Promise<ActionAnswer> => {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'X-DRS-Ledger-Console': '1' },
    body: JSON.stringify(body),
    cache: 'no-store',
    credentials: 'same-origin',
  });
  if (response.status === 401) return { statusCode: 401, error: 'SIGN_IN_REQUIRED', message: SIGN_IN_TEXT };
  const answer = await bodyOf(response);
  const texts = (['error', 'message', 'executionId', 'activeExecutionId'] as const).flatMap((name) => {
    const value = field(answer, name);
    return value === undefined ? [] : [[name, value] as const];
  });
  return { ...Object.fromEntries(texts), statusCode: response.status };
};

/** An error as one line for the page. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
