import type { IncomingHttpHeaders } from 'node:http';
import { type Answer, failed } from './httpKit';

/** The header every state-changing request must carry: a page of another origin cannot set it without CORS. */
export const CONSOLE_HEADER = 'x-drs-ledger-console';

/**
 * The host names the console answers to. Any other Host is a page that had a name of its own resolve to
 * 127.0.0.1 (DNS rebinding): it would be same-origin with itself, so its reads must be refused.
 */
export const allowedHosts = (port: number): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

/** The Host the request names, when it is one of ours; otherwise the refusal (421, Misdirected Request). */
export const checkHost = (headers: IncomingHttpHeaders, port: number): { host: string } | { refused: Answer } => {
  const host = (headers.host ?? '').toLowerCase();
  if (allowedHosts(port).includes(host)) return { host };
  return {
    refused: failed(
      421,
      'MISDIRECTED_REQUEST',
      `This console answers only to ${allowedHosts(port).join(' or ')}: open it at http://127.0.0.1:${port}/`,
    ),
  };
};

/**
 * A POST must say it comes from the console's script (its header, which a cross-site form or image cannot
 * send) and name the console's own origin. Browsers send Origin with every POST, same-origin ones included:
 * a POST without it comes from no browser page of ours, so it is refused too.
 */
export const checkCsrf = (headers: IncomingHttpHeaders, host: string): Answer | undefined => {
  if (headers[CONSOLE_HEADER] !== '1')
    return failed(403, 'CSRF', `A console action needs the header ${CONSOLE_HEADER}: 1 (sent by the console's own page)`);
  const origin = headers.origin;
  if (origin === undefined)
    return failed(403, 'CSRF', `A console action must name its origin, the console's own page (http://${host}): this one names none`);
  if (origin !== `http://${host}`)
    return failed(403, 'CSRF', `A console action must come from the console's own page (http://${host}), not ${origin.slice(0, 200)}`);
  return undefined;
};
