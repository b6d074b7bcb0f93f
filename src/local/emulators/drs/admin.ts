import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http';
import { handleFaultRoute } from '../faultRoutes';
import type { DrsFaults, DrsFaultSpec } from './faults';
import { checkedQuotas, type DrsQuotas } from './quotas';
import type { SourceServerRecord } from './records';
import { isServerPart, UnknownServerError, updateServerPart } from './serverAdmin';
import type { DrsStats } from './stats';
import type { DrsStore } from './store';
import type { DrsTimings } from './timings';

export const ADMIN_PREFIX = '/__emulator/';

export interface DrsAdmin {
  store: DrsStore;
  faults: DrsFaults;
  stats: DrsStats;
  /** The quotas in force, changed in place. */
  quotas: DrsQuotas;
  /** What DELETE quotas goes back to: the emulator's starting quotas. */
  startingQuotas: DrsQuotas;
  registerSourceServers(servers: SourceServerRecord[]): void;
  /** DRS's pace in force (for jobs created from now on), changed whole by update, back to the start by reset. */
  timings: { current(): DrsTimings; update(update: Record<string, unknown>): void; reset(): void };
}

const parse = (body: string): Record<string, unknown> => (body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>));

/**
 * The emulator's own control API, for a local stack in another process:
 *   GET  /__emulator/stats            counters (calls, successes, errors, StartRecovery per wave, callers by access key)
 *   POST /__emulator/stats/reset
 *   GET  /__emulator/faults           the faults in force
 *   POST /__emulator/faults           a DrsFaultSpec (merged; { "reset": true } clears first)
 *   DELETE /__emulator/faults         clear every fault
 *   GET  /__emulator/quotas           { maxServersPerJob, maxConcurrentJobs, maxServersInActiveJobs }
 *   POST /__emulator/quotas           some of those (merged), each a positive integer
 *   DELETE /__emulator/quotas         back to the quotas the emulator started with
 *   GET  /__emulator/timings          DRS's pace: pendingSeconds, stages { snapshot, conversion, launch }, ...
 *   POST /__emulator/timings          some of those (merged), for jobs created from now on
 *   DELETE /__emulator/timings        back to the timings the emulator started with
 *   GET  /__emulator/source-servers
 *   POST /__emulator/source-servers   { "sourceServers": [{ "sourceServerID", "hostname" }] }
 *   PUT  /__emulator/source-servers/{id}/replication           { state, lagSeconds?, error?, rawError? }
 *   PUT  /__emulator/source-servers/{id}/launch-configuration  { "missing": true } | { "problems": [...] } | {}
 *   PUT  /__emulator/source-servers/{id}/snapshots             { "snapshots": [{ snapshotID?, expectedTimestamp, timestamp? }] }
 *        (each answers the server's state: { sourceServerID, replication?, launchConfiguration?, snapshots? })
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
  try {
    if (handleFaultRoute<DrsFaultSpec>(route, payload, admin.faults, response)) return;
  } catch (error) {
    sendJson(response, 400, { message: error instanceof Error ? error.message : String(error) });
    return;
  }
  const serverRoute = /^PUT source-servers\/([^/]+)\/([a-z-]+)$/.exec(route);
  if (serverRoute) {
    const [, id = '', part = ''] = serverRoute;
    if (!isServerPart(part)) {
      sendJson(response, 404, { message: `No emulator route ${route}` });
      return;
    }
    try {
      const state = updateServerPart(admin.store, decodeURIComponent(id), part, payload);
      sendJson(response, 200, { sourceServerID: decodeURIComponent(id), ...state });
    } catch (error) {
      sendJson(response, error instanceof UnknownServerError ? 404 : 400, {
        message: error instanceof Error ? error.message : String(error),
      });
    }
    return;
  }
  switch (route) {
    case 'GET quotas':
      sendJson(response, 200, admin.quotas);
      return;
    case 'POST quotas':
      try {
        Object.assign(admin.quotas, checkedQuotas(payload));
      } catch (error) {
        sendJson(response, 400, { message: error instanceof Error ? error.message : String(error) });
        return;
      }
      sendJson(response, 200, admin.quotas);
      return;
    case 'DELETE quotas':
      Object.assign(admin.quotas, admin.startingQuotas);
      sendJson(response, 200, admin.quotas);
      return;
    case 'GET timings':
      sendJson(response, 200, admin.timings.current());
      return;
    case 'POST timings':
      try {
        admin.timings.update(payload);
      } catch (error) {
        sendJson(response, 400, { message: error instanceof Error ? error.message : String(error) });
        return;
      }
      sendJson(response, 200, admin.timings.current());
      return;
    case 'DELETE timings':
      admin.timings.reset();
      sendJson(response, 200, admin.timings.current());
      return;
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
