import { request as httpRequest } from 'node:http';

export interface ConsoleReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as JSON (undefined when it is not JSON). */
  body: Record<string, unknown>;
}

/**
 * One request to the console over a plain socket, with the headers given exactly as given (Host and Origin
 * included, which a browser's fetch would not let a page set): what an attacker's page or tool can send.
 */
export const rawRequest = (
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<ConsoleReply> =>
  new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const sent = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown>;
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // Not JSON (a page, a script): the text says it.
            body = {};
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body });
        });
      },
    );
    sent.on('error', reject);
    if (options.body !== undefined) sent.write(options.body);
    sent.end();
  });

/** The session cookie each console (by origin) set when signed in: a browser's cookie jar, as `name=value`. */
const jar = new Map<string, string>();

/** The `name=value` of a Set-Cookie header (its attributes left out), or undefined when there is none. */
export const cookieOf = (reply: ConsoleReply): string | undefined => {
  const setCookie = reply.headers['set-cookie'];
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return first?.split(';')[0];
};

/**
 * Opens the owner's login link as a browser would (its own Host): the console answers 303 with its session
 * cookie, which every consoleGet and consolePost to that console then sends. Returns the cookie.
 */
export const signIn = async (loginUrl: string): Promise<string> => {
  const login = new URL(loginUrl);
  const reply = await rawRequest(login.origin, `${login.pathname}${login.search}`, { headers: { host: login.host } });
  const cookie = cookieOf(reply);
  if (reply.status !== 303 || !cookie) throw new Error(`sign-in at ${login.origin} failed: ${reply.status} ${reply.text}`);
  jar.set(login.origin, cookie);
  return cookie;
};

/** The cookie header a signed-in browser sends to this console (none before signIn). */
const cookieHeader = (baseUrl: string): Record<string, string> => {
  const cookie = jar.get(new URL(baseUrl).origin);
  return cookie ? { cookie } : {};
};

/** A GET as the console's page sends it (its own Host, and its session once signed in). */
export const consoleGet = (baseUrl: string, path: string): Promise<ConsoleReply> =>
  rawRequest(baseUrl, path, { headers: { host: new URL(baseUrl).host, ...cookieHeader(baseUrl) } });

/** The headers of a POST from the console's own page: its header, its own origin, a JSON body, its session. */
export const pageHeaders = (baseUrl: string): Record<string, string> => ({
  host: new URL(baseUrl).host,
  origin: baseUrl,
  'x-drs-ledger-console': '1',
  'content-type': 'application/json',
  ...cookieHeader(baseUrl),
});

/** A POST as the console's page sends it. */
export const consolePost = (baseUrl: string, path: string, body: Record<string, unknown>): Promise<ConsoleReply> =>
  rawRequest(baseUrl, path, { method: 'POST', headers: pageHeaders(baseUrl), body: JSON.stringify(body) });

/** Asks until `done` holds of the answer (the stack runs on its own; at most `timeoutMs`). */
export const pollUntil = async (ask: () => Promise<ConsoleReply>, done: (reply: ConsoleReply) => boolean, timeoutMs = 90_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await ask();
    if (done(reply)) return reply;
    if (Date.now() > deadline) throw new Error(`gave up waiting; last answer ${reply.status}: ${reply.text.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
