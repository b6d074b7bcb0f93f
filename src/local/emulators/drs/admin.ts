import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http';
import { handleFaultRoute } from '../faultRoutes';
import type { DrsFaults, DrsFaultSpec } from './faults';
import type { SourceServerRecord } from './records';
import type { DrsStats } from './stats';
import type { DrsStore } from './store';

export const ADMIN_PREFIX = '/__emulator/';

export interface DrsAdmin {
  store: DrsStore;
  faults: DrsFaults;
  stats: DrsStats;
  registerSourceServers(servers: SourceServerRecord[]): void;
}

const parse = (body: string): Record<string, unknown> => (body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>));

/**
 * The emulator's own control API, for a local stack in another process:
 *   GET  /__emulator/stats            counters (calls, successes, errors, StartRecovery per wave, callers by access key)
 *   POST /__emulator/stats/reset
 *   GET  /__emulator/faults           the faults in force
 *   POST /__emulator/faults           a DrsFaultSpec (merged; { "reset": true } clears first)
 *   DELETE /__emulator/faults         clear every fault
 *   GET  /__emulator/source-servers
 *   POST /__emulator/source-servers   { "sourceServers": [{ "sourceServerID", "hostname" }] }
 */
export const handleAdmin = (admin: DrsAdmin, request: IncomingMessage, path: string, body: string, response: ServerResponse): void => {
  const route = `${request.method ?? 'GET'} ${path.slice(ADMIN_PREFIX.length)}`;
  let payload: Record<string, unknown>;
  try {
    payload = parse(body);
  } catch {
    sendJson(response, 400, { message: 'Body is not valid JSON' });
    return;
  }
  if (handleFaultRoute<DrsFaultSpec>(route, payload, admin.faults, response)) return;
  switch (route) {
    case 'GET stats':
      sendJson(response, 200, admin.stats.snapshot());
      return;
    case 'POST stats/reset':
      admin.stats.reset();
      sendJson(response, 200, admin.stats.snapshot());
      return;
    case 'GET source-servers':
      sendJson(response, 200, { sourceServers: [...admin.store.sourceServers.values()] });
      return;
    case 'POST source-servers': {
      const servers = payload.sourceServers;
      if (!Array.isArray(servers)) {
        sendJson(response, 400, { message: 'Expected { "sourceServers": [{ "sourceServerID", "hostname" }] }' });
        return;
      }
      try {
        admin.registerSourceServers(servers as SourceServerRecord[]);
      } catch (error) {
        sendJson(response, 400, { message: error instanceof Error ? error.message : String(error) });
        return;
      }
      sendJson(response, 200, { registered: servers.length });
      return;
    }
    default:
      sendJson(response, 404, { message: `No emulator route ${route}` });
  }
};
