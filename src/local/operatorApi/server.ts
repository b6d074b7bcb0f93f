import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import type { OperatorApiAnswer } from '../../handlers/operatorApi';
import { matchRoute } from '../../handlers/operatorApi/routes';
import type { Log } from '../../operations/deps';
import { apiGatewayEvent } from './apiGatewayEvent';
import { ReplayGuard } from './replayGuard';
import { RIGHT_OF } from './rights';
import type { LocalUser } from './users';
import { type ReceivedRequest, verifySignature } from './verifySignature';

/** The default port of `serve`'s operator API (tests and other stacks take a free one). */
export const DEFAULT_OPERATOR_API_PORT = 4590;
/** Far beyond any valid request (a comment is at most 2048 characters). */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

export type AnswerEvent = (event: APIGatewayProxyEventV2WithIAMAuthorizer) => Promise<OperatorApiAnswer>;

export interface OperatorApiServerOptions {
  /** 0 picks a free port. */
  port: number;
  users: readonly LocalUser[];
  /** Answers a verified request (the operator API handler); given later with `attach` when not known yet. */
  answer?: AnswerEvent;
  log?: Log;
  /** The verifier's clock (ms since the epoch). */
  now?: () => number;
  /** How many accepted signatures are remembered at most (each until its X-Amz-Date leaves the window). */
  replayCapacity?: number;
}

export interface OperatorApiServer {
  endpoint: string;
  port: number;
  users: readonly LocalUser[];
  /** Sets the handler once the stack behind it is up; until then verified requests get 503. */
  attach(answer: AnswerEvent): void;
  close(): Promise<void>;
}

/** The operator API's port is taken (another serve). The name lets the CLI answer it as bad usage. */
export class OperatorApiPortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `Port ${port} (the operator API) is already in use: is another "drs-ledger serve" running? Stop it or pick another with --api-port.`,
    );
    this.name = 'OperatorApiPortInUseError';
  }
}

const sendJson = (response: ServerResponse, status: number, body: Record<string, unknown>, close = false): void => {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    ...(close ? { connection: 'close' } : {}),
  });
  response.end(payload);
};

const refuse = (response: ServerResponse, status: number, error: string, message: string, close = false): void =>
  sendJson(response, status, { error, message }, close);

/** The body, or undefined when it is over the limit (reading stops there). */
const readBody = (request: IncomingMessage, limit: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        over = true;
        request.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    request.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });

const headersOf = (request: IncomingMessage): Record<string, string | undefined> => {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(',') : value;
  return headers;
};

/**
 * The operator API on this machine: the routes API Gateway serves on AWS, behind a SigV4 check against the
 * local users' keys (unsigned, unknown key, bad signature, expired, replayed: 403), each route's right checked
 * as IAM would, then the very handler the Lambda runs, with the event API Gateway would build.
 */
export const startOperatorApiServer = async (options: OperatorApiServerOptions): Promise<OperatorApiServer> => {
  const now = options.now ?? Date.now;
  const replays = new ReplayGuard(options.replayCapacity);
  const byKey = new Map(options.users.map((user) => [user.accessKeyId, user]));
  let answer = options.answer;

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const headers = headersOf(request);
    const [path = '/', rawQuery = ''] = (request.url ?? '/').split(/\?(.*)/s);
    const method = (request.method ?? 'GET').toUpperCase();
    const refused = (status: number, error: string, message: string, close = false) => {
      options.log?.warn('Operator API request refused', { status, error, method, path });
      refuse(response, status, error, message, close);
    };
    // Refused before the body is read: an unsigned caller gets nothing read, let alone run.
    if (!headers.authorization) {
      refused(403, 'MissingAuthenticationToken', 'Missing Authentication Token: sign the request with SigV4 (service execute-api)', true);
      return;
    }
    if (Number(headers['content-length'] ?? 0) > MAX_REQUEST_BODY_BYTES) {
      refused(413, 'PayloadTooLarge', `The request body is over ${MAX_REQUEST_BODY_BYTES} bytes`, true);
      return;
    }
    const body = await readBody(request, MAX_REQUEST_BODY_BYTES);
    if (body === undefined) {
      refused(413, 'PayloadTooLarge', `The request body is over ${MAX_REQUEST_BODY_BYTES} bytes`, true);
      return;
    }
    const received: ReceivedRequest = { method, path, rawQuery, headers, body };
    const verdict = await verifySignature(received, (accessKeyId) => byKey.get(accessKeyId), now());
    if (!verdict.ok) {
      refused(403, verdict.code, verdict.message);
      return;
    }
    const replay = replays.admit(verdict.signature, verdict.signedAtMs, now());
    if (!replay.ok) {
      if (replay.reason === 'Replayed') refused(403, 'ReplayedRequest', 'This signature was already used: sign every request afresh');
      else refused(429, 'ThrottlingException', 'Too many requests in the signature window: retry in a moment');
      return;
    }
    const { user } = verdict;
    const route = matchRoute(method, path);
    const right = route ? RIGHT_OF[route.action] : undefined;
    if (route && right && !user.rights.includes(right)) {
      refused(
        403,
        'AccessDeniedException',
        `User ${user.principalArn} is not authorized to perform ${route.routeKey}: it needs the "${right}" right`,
      );
      return;
    }
    if (!answer) {
      refused(503, 'ServiceUnavailable', 'The local stack is still starting: retry in a moment');
      return;
    }
    const event = apiGatewayEvent(received, route, user, { sourceIp: request.socket.remoteAddress ?? '127.0.0.1', nowMs: now() });
    const answered = await answer(event);
    response.writeHead(answered.statusCode, { ...answered.headers, 'content-length': String(Buffer.byteLength(answered.body)) });
    response.end(answered.body);
  };

  const server: Server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      options.log?.error('Operator API request failed', { error: error instanceof Error ? error.message : String(error) });
      if (response.headersSent) response.destroy();
      else refuse(response, 500, 'INTERNAL_ERROR', 'The request could not be completed; it is safe to retry');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new OperatorApiPortInUseError(options.port) : error),
    );
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    users: options.users,
    attach: (handler) => {
      answer = handler;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
};
