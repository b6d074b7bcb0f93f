import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { actOnExecution, type ActionOptions, isExecutionAction, startExecution } from './actions';
import { type ConsoleAccess, newConsoleAccess, signInRequired } from './consoleAccess';
import type { ConsoleBackend } from './consoleBackend';
import { asset, defaultAssetsDir, indexPage } from './consolePage';
import { DigestChainCache } from './digestChainCache';
import { EvidencePages } from './evidencePages';
import { type Answer, BodyProblem, failed, json, quoted, readJsonObject, send, text } from './httpKit';
import { LedgerFeed } from './ledgerFeed';
import { executionDetails, listExecutions, listPlans, listUsers } from './readApi';
import { checkCsrf, checkHost } from './requestGuards';

/** `serve`'s console port unless --console-port says otherwise (the operator API's is 4590). */
export const DEFAULT_CONSOLE_PORT = 4591;

export interface ConsoleServerOptions {
  /** 0 picks a free port. */
  port: number;
  backend: ConsoleBackend;
  /** Where console.js and console.css are (default: the package's dist/console, built by npm run build). */
  assetsDir?: string;
  /** How long an action waits for the operator API (default OPERATOR_API_TIMEOUT_MS). */
  operatorApiTimeoutMs?: number;
}

export interface ConsoleServer {
  /** `http://127.0.0.1:<port>`, as serve.json publishes it. */
  url: string;
  /**
   * `http://127.0.0.1:<port>/login?key=<key>`: the link that signs a browser in. Only the owner may see it (printed
   * to its terminal, kept in an owner-only file): whoever holds it acts as the console's operators.
   */
  loginUrl: string;
  port: number;
  close(): Promise<void>;
}

/** The console's port is taken. The name lets the CLI answer it as bad usage (exit 2). */
export class ConsolePortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `Port ${port} (the console) is already in use: is another "drs-ledger serve" running? Stop it or pick another with --console-port.`,
    );
    this.name = 'ConsolePortInUseError';
  }
}

interface Route {
  method: 'GET' | 'POST';
  /** Answered without the session: the page, its bundle and the sign-in, none of which holds data. */
  open?: true;
  /** Matched against the path; its groups are the path's parameters, decoded. */
  pattern: RegExp;
  run: (parameters: string[], request: IncomingMessage, query: URLSearchParams) => Promise<Answer>;
}

const notFound = (path: string): Answer =>
  path.startsWith('/api/') ? failed(404, 'NOT_FOUND', 'No such console API route') : text(404, 'Not found');

/** `?after=<seq>`: a whole number, 0 (or absent) for every event. */
const afterOf = (query: URLSearchParams): number | undefined => {
  const given = query.get('after');
  if (given === null || given === '') return 0;
  return /^\d{1,9}$/.test(given) ? Number(given) : undefined;
};

const routesOf = (
  backend: ConsoleBackend,
  assetsDir: string,
  access: ConsoleAccess,
  port: () => number,
  actions: ActionOptions,
): Route[] => {
  const chain = new DigestChainCache(() => backend.digests());
  const feed = new LedgerFeed(backend.ledger, chain);
  const evidence = new EvidencePages(backend.ledger, chain);
  const get = (pattern: RegExp, run: Route['run']): Route => ({ method: 'GET', pattern, run });
  const post = (pattern: RegExp, run: Route['run']): Route => ({ method: 'POST', pattern, run });
  const open = (route: Route): Route => ({ ...route, open: true });
  return [
    open(get(/^\/$/, () => Promise.resolve(indexPage()))),
    open(get(/^\/assets\/([^/]+)$/, async ([name = '']) => (await asset(assetsDir, name)) ?? text(404, 'Not found'))),
    open(get(/^\/login$/, (_, __, query) => Promise.resolve(access.login(query, port())))),
    get(/^\/api\/users$/, () => Promise.resolve(listUsers(backend))),
    get(/^\/api\/plans$/, () => listPlans(backend)),
    get(/^\/api\/executions$/, (_, __, query) => listExecutions(backend, query)),
    get(/^\/api\/executions\/([^/]+)$/, ([id = '']) => executionDetails(backend, id)),
    get(/^\/api\/executions\/([^/]+)\/ledger$/, async ([id = ''], _, query) => {
      const after = afterOf(query);
      if (after === undefined) return failed(400, 'BAD_REQUEST', 'after must be a seq: a whole number, 0 for every event');
      const answer = await feed.read(id, after);
      return answer ? json(200, answer) : failed(404, 'EXECUTION_NOT_FOUND', `Execution not found: ${quoted(id)}`);
    }),
    get(/^\/api\/executions\/([^/]+)\/timeline$/, ([id = '']) => evidence.timeline(id)),
    get(/^\/reports\/([^/]+)\.(html|md|json)$/, ([id = '', format]) => evidence.report(id, format as 'html' | 'md' | 'json')),
    post(/^\/api\/plans\/([^/]+)\/start$/, async ([planId = ''], request) =>
      startExecution(backend, planId, await readJsonObject(request), actions),
    ),
    post(/^\/api\/executions\/([^/]+)\/([^/]+)$/, async ([id = '', action = ''], request) => {
      if (!isExecutionAction(action))
        return failed(404, 'NOT_FOUND', 'No such action: pause, resume, approve, decline, cancel, retry or skip');
      return actOnExecution(backend, id, action, await readJsonObject(request), actions);
    }),
  ];
};

/** A path's parameter as given, or undefined when its escapes are not UTF-8. */
const decoded = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/**
 * The console: its page and bundle, and a JSON API over the ledger and the stack its backend stands on (the local
 * stack of the process that owns the data folder, or a deployed one, `console --stage`). Bound to 127.0.0.1; a Host
 * other than its own is refused (DNS rebinding), and so is any POST without the console's header or its own
 * origin (cross-site requests). Every other user of the machine reaches 127.0.0.1 too: a request for data or an
 * action must carry the session cookie that the owner's login link (its access key) sets, or it gets 401.
 */
export const startConsoleServer = async (options: ConsoleServerOptions): Promise<ConsoleServer> => {
  const assetsDir = options.assetsDir ?? defaultAssetsDir();
  const access = newConsoleAccess();
  let port = options.port;
  const routes = routesOf(options.backend, assetsDir, access, () => port, {
    ...(options.operatorApiTimeoutMs === undefined ? {} : { timeoutMs: options.operatorApiTimeoutMs }),
  });

  const answer = async (request: IncomingMessage): Promise<Answer> => {
    const host = checkHost(request.headers, port);
    if ('refused' in host) return host.refused;
    const url = new URL(request.url ?? '/', `http://${host.host}`);
    const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');
    if (method !== 'GET' && method !== 'POST') return failed(405, 'METHOD_NOT_ALLOWED', 'The console answers GET and POST only');
    // Refused before the body is read: a forged request gets nothing read, let alone run.
    if (method === 'POST') {
      const csrf = checkCsrf(request.headers, host.host);
      if (csrf) return csrf;
    }
    const matched = routes.flatMap((route) => {
      const match = route.pattern.exec(url.pathname);
      return match ? [{ route, parameters: match.slice(1) }] : [];
    });
    const found = matched.find(({ route }) => route.method === method);
    if (!found)
      return matched.length ? failed(405, 'METHOD_NOT_ALLOWED', `${quoted(url.pathname)} does not take ${method}`) : notFound(url.pathname);
    // Before the path is decoded or the body read: a caller without the session gets nothing read, let alone run.
    if (!found.route.open && !access.signedIn(request.headers, port)) return signInRequired(port);
    const parameters = found.parameters.map(decoded);
    if (parameters.some((parameter) => parameter === undefined)) return failed(400, 'BAD_REQUEST', 'The path is not valid UTF-8');
    try {
      return await found.route.run(parameters as string[], request, url.searchParams);
    } catch (error) {
      if (error instanceof BodyProblem) return error.answer;
      throw error;
    }
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    answer(request)
      .then((answered) => send(response, answered, request.method === 'HEAD'))
      .catch((error: unknown) => {
        if (response.headersSent) response.destroy();
        else
          send(
            response,
            failed(
              500,
              'INTERNAL_ERROR',
              `The console could not answer: ${(error instanceof Error ? error.message : String(error)).slice(0, 300)}`,
            ),
          );
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new ConsolePortInUseError(options.port) : error),
    );
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    loginUrl: access.loginUrl(port),
    port,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await options.backend.close();
    },
  };
};
