import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultControls, handleFaultRoute } from '../faultRoutes';
import { sendJson } from '../http';

export const ADMIN_PREFIX = '/__emulator/';

/** The emulator's own routes besides faults: `METHOD route` to the JSON to answer (200); a throw is a 400. */
export type AdminRoutes = Record<string, (payload: Record<string, unknown>) => unknown>;

/**
 * The control API of an awsQuery emulator, for a stack in another process: GET, POST and DELETE
 * /__emulator/faults, then the service's own routes. A body that is not JSON, or a route that throws,
 * is a 400; an unknown route a 404.
 */
export const handleAdmin = <Spec>(
  faults: FaultControls<Spec>,
  routes: AdminRoutes,
  request: IncomingMessage,
  path: string,
  body: string,
  response: ServerResponse,
): void => {
  const route = `${request.method ?? 'GET'} ${path.slice(ADMIN_PREFIX.length)}`;
  let payload: Record<string, unknown>;
  try {
    payload = body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
  } catch {
    sendJson(response, 400, { message: 'Body is not valid JSON' });
    return;
  }
  try {
    if (handleFaultRoute<Spec>(route, payload, faults, response)) return;
    const answer = Object.hasOwn(routes, route) ? routes[route] : undefined;
    if (answer) sendJson(response, 200, answer(payload));
    else sendJson(response, 404, { message: `No emulator route ${route}` });
  } catch (error) {
    sendJson(response, 400, { message: error instanceof Error ? error.message : String(error) });
  }
};
