import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { type Answer, failed } from './httpKit';

/**
 * Who may use a console: whoever holds its access key, as Jupyter's token works. Any process of any user on the
 * machine can reach 127.0.0.1, so the port alone proves nothing; the key (32 random bytes, made at each start) is
 * given only to the owner, printed in the login link and written to an owner-only file. `/login?key=` trades
 * it for a session cookie, which every request for data or an action must then carry.
 */
export interface ConsoleAccess {
  /** `http://127.0.0.1:<port>/login?key=<key>`: what the owner prints and keeps in console.json. */
  loginUrl(port: number): string;
  /** `GET /login?key=`: a cookie and a redirect to the page when the key is this console's; 401 otherwise. */
  login(query: URLSearchParams, port: number): Answer;
  /** Whether the request carries this console's session cookie. */
  signedIn(headers: IncomingHttpHeaders, port: number): boolean;
}

const secret = (): string => randomBytes(32).toString('base64url');

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Equal in constant time: both sides are hashed first, so neither their content nor the given length shows in timing. */
const sameSecret = (expected: string, given: string): boolean => timingSafeEqual(digest(expected), digest(given));

/**
 * The cookie's name carries the port: cookies are not kept apart by port, so a serve's console and a drill's on
 * another port would otherwise overwrite each other's session in the same browser.
 */
export const sessionCookieName = (port: number): string => `drs-ledger-console-${port}`;

/** The values the Cookie header gives `name` (a browser may send one name twice, from different paths). */
const cookieValues = (header: string | undefined, name: string): string[] =>
  (header ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.startsWith(`${name}=`))
    .map((pair) => pair.slice(name.length + 1));

/** The refusal of any request for data or an action without the session: nothing is read, let alone run. */
export const signInRequired = (port: number): Answer =>
  failed(
    401,
    'SIGN_IN_REQUIRED',
    `Sign in first: open the link drs-ledger serve printed (http://127.0.0.1:${port}/login?key=…; drill and console print theirs). ` +
      'serve and drill also keep it in console.json in the data folder, readable by their owner only.',
  );

/**
 * A new console's access: its key (what the login link carries) and the session token its cookie carries once
 * signed in, both fresh at each start, so a link or cookie of an earlier run opens nothing.
 */
export const newConsoleAccess = (key: string = secret()): ConsoleAccess => {
  const session = secret();
  return {
    loginUrl: (port) => `http://127.0.0.1:${port}/login?key=${key}`,
    login: (query, port) => {
      const given = query.get('key') ?? '';
      if (!sameSecret(key, given))
        return failed(
          401,
          'SIGN_IN_FAILED',
          "This link's key is not this console's: open the login link drs-ledger printed when this console started (a link from an earlier run no longer works).",
        );
      return {
        status: 303,
        contentType: 'text/plain; charset=utf-8',
        body: 'Signed in: on to the console.',
        headers: {
          // HttpOnly: no script reads it; SameSite=Strict: no other site's page or form sends it; a session cookie,
          // gone when the browser closes (the console's key changes at each start anyway).
          'set-cookie': `${sessionCookieName(port)}=${session}; HttpOnly; SameSite=Strict; Path=/`,
          // Off the login URL: the key leaves the address bar.
          location: '/',
        },
      };
    },
    signedIn: (headers, port) => cookieValues(headers.cookie, sessionCookieName(port)).some((value) => sameSecret(session, value)),
  };
};
