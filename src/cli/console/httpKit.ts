import type { IncomingMessage, ServerResponse } from 'node:http';

/** Far beyond any valid action body (a comment is at most 2048 characters). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Headers every answer carries: the page may load only its own script and style (no inline script, no other
 * origin), may not be framed, and no answer is sniffed into another type.
 */
const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export const CONSOLE_CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/** The evidence report is one self-contained page: its own inline style, no script at all. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface Answer {
  status: number;
  contentType: string;
  body: string | Buffer;
  /** Content-Security-Policy of the answer (default: the console's). */
  csp?: string;
  /** Cache-Control (default no-store: API answers and reports change as the ledger grows). */
  cache?: string;
  /** Headers of this answer alone (a sign-in's Set-Cookie and Location). */
  headers?: Record<string, string>;
}

/** How much of a caller's text (an id from the path) an answer quotes back. */
export const QUOTED_MAX = 128;

/** A caller's text as an answer quotes it: at most QUOTED_MAX characters, cut with an ellipsis. */
export const quoted = (given: string): string => (given.length > QUOTED_MAX ? `${given.slice(0, QUOTED_MAX)}…` : given);

export const json = (status: number, body: unknown): Answer => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(body),
});

/** An error as every API answer gives one: a code a program tests and a message a person reads. */
export const failed = (status: number, error: string, message: string): Answer => json(status, { error, message });

export const text = (status: number, body: string): Answer => ({ status, contentType: 'text/plain; charset=utf-8', body });

export const send = (response: ServerResponse, answer: Answer, head = false): void => {
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
  response.writeHead(answer.status, {
    ...answer.headers,
    ...COMMON_HEADERS,
    'content-type': answer.contentType,
    'content-length': String(body.length),
    'content-security-policy': answer.csp ?? CONSOLE_CSP,
    'cache-control': answer.cache ?? 'no-store',
  });
  response.end(head ? undefined : body);
};

/** A request body that cannot be taken: too large, or not a JSON object. */
export class BodyProblem extends Error {
  constructor(
    readonly answer: Answer,
    message: string,
  ) {
    super(message);
    this.name = 'BodyProblem';
  }
}

const readAll = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.pause();
        reject(new BodyProblem(failed(413, 'PAYLOAD_TOO_LARGE', `The request body is over ${MAX_BODY_BYTES} bytes`), 'too large'));
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/** The body as a JSON object (an empty body is `{}`); anything else is refused before it is looked at. */
export const readJsonObject = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES)
    throw new BodyProblem(failed(413, 'PAYLOAD_TOO_LARGE', `The request body is over ${MAX_BODY_BYTES} bytes`), 'too large');
  const raw = (await readAll(request)).toString('utf8');
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new BodyProblem(failed(400, 'BAD_REQUEST', 'The body is not JSON'), 'not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new BodyProblem(failed(400, 'BAD_REQUEST', 'The body must be a JSON object'), 'not an object');
  return parsed as Record<string, unknown>;
};
