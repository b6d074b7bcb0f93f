import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Clock, systemClock } from '../clock';
import { type LoopbackServer, requestPath, sendJson, startLoopbackServer } from '../http';
import { signingAccessKeyId } from '../sigv4';
import { ADMIN_PREFIX, handleAdmin } from './admin';
import type { DrsContext, Json, OperationResult } from './context';
import { DrsError, internalServerError, throttlingError } from './errors';
import { DrsFaults, type DrsFaultSpec } from './faults';
import { checkDrsAnswer, checkDrsRequest, checkedDrsError } from './modelChecks';
import { drsArns } from './ids';
import { type DrsOperationName, isDrsOperation } from './operationNames';
import { describeJobLogItems } from './operations/describeJobLogItems';
import { describeJobs } from './operations/describeJobs';
import { describeRecoverySnapshots } from './operations/describeRecoverySnapshots';
import { getLaunchConfiguration } from './operations/getLaunchConfiguration';
import { describeRecoveryInstances } from './operations/describeRecoveryInstances';
import { describeSourceServers } from './operations/describeSourceServers';
import { startRecovery, startRecoveryTags } from './operations/startRecovery';
import { terminateRecoveryInstances } from './operations/terminateRecoveryInstances';
import { checkedQuotas, DEFAULT_QUOTAS, type DrsQuotas } from './quotas';
import type { JobRecord, ServerStateRecord, SourceServerRecord } from './records';
import { updateServerPart } from './serverAdmin';
import { DrsStats } from './stats';
import { DrsStore } from './store';
import { DEFAULT_TIMINGS, type DrsTimings, mergedTimings } from './timings';
import { parseBody, SOURCE_SERVER_ID } from './validation';

export interface DrsEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where to keep drs-emulator.json; without it the state is in memory only. */
  dataDir?: string;
  /** Simulated time runs this many times faster than the clock (default 1). */
  speed?: number;
  /** DRS's pace (timings.ts: DEFAULT_TIMINGS, minutes per stage; QUICK_TIMINGS for tests), merged over the default. */
  timings?: Partial<DrsTimings>;
  clock?: Clock;
  /** For fractional throttling (default Math.random). */
  random?: () => number;
  region?: string;
  accountId?: string;
  /**
   * Where the source servers run, as DescribeSourceServers reports it (sourceCloudProperties) for a server that
   * names no origin of its own: default the emulator's account, in us-west-2 (a cross-Region recovery).
   */
  sourceOrigin?: { accountId: string; region: string };
  sourceServers?: SourceServerRecord[];
  /** Page size when a request gives no maxResults (default 100). */
  defaultPageSize?: number;
  /** DRS's job quotas (quotas.ts; defaults 100 servers a job, 20 jobs and 500 servers in progress). */
  quotas?: Partial<DrsQuotas>;
  /** Faults in force from the start (failed stages, lagging servers, ...), as POST /__emulator/faults takes. */
  faults?: DrsFaultSpec;
}

export interface DrsEmulator extends LoopbackServer {
  region: string;
  faults: DrsFaults;
  stats: DrsStats;
  /** Source servers StartRecovery accepts; the local stack registers every server of its plans. */
  registerSourceServers(servers: SourceServerRecord[]): void;
  /** The stored job records (for inspection; the wire view comes from DescribeJobs). */
  jobs(): readonly JobRecord[];
  /** The quotas in force. */
  quotas(): DrsQuotas;
  /** Changes some quotas, from the next request on (POST /__emulator/quotas does the same). */
  setQuotas(update: Partial<DrsQuotas>): void;
  /** Changes the speed of jobs created from now on. */
  setSpeed(speed: number): void;
  /** The timings in force. */
  timings(): DrsTimings;
  /** Changes some timings, for jobs created from now on (POST /__emulator/timings does the same). */
  setTimings(update: Partial<DrsTimings>): void;
  /**
   * A server's replication (DescribeSourceServers' dataReplicationInfo and its snapshots):
   * PUT /__emulator/source-servers/{id}/replication does the same. Throws on a bad value, changing nothing.
   */
  setReplication(
    sourceServerID: string,
    replication: { state: string; lagSeconds?: number; error?: string; rawError?: string },
  ): ServerStateRecord;
  /** `{ missing: true }`, `{ problems: [...] }` or `{}` (complete): PUT /__emulator/source-servers/{id}/launch-configuration. */
  setLaunchConfiguration(sourceServerID: string, configuration: { missing?: boolean; problems?: string[] }): ServerStateRecord;
  /** Replaces the server's snapshots (no timestamp: still being created): PUT /__emulator/source-servers/{id}/snapshots. */
  setSnapshots(
    sourceServerID: string,
    snapshots: Array<{ snapshotID?: string; expectedTimestamp: string; timestamp?: string }>,
  ): ServerStateRecord;
  /** Where the state is saved, if anywhere. */
  stateFile: string | undefined;
}

type Operation = (context: DrsContext, body: Json) => OperationResult;

const OPERATIONS: Record<DrsOperationName, Operation> = {
  StartRecovery: startRecovery,
  DescribeJobs: describeJobs,
  DescribeJobLogItems: describeJobLogItems,
  DescribeSourceServers: describeSourceServers,
  DescribeRecoveryInstances: describeRecoveryInstances,
  TerminateRecoveryInstances: terminateRecoveryInstances,
  DescribeRecoverySnapshots: describeRecoverySnapshots,
  GetLaunchConfiguration: getLaunchConfiguration,
};

const sendError = (response: ServerResponse, requestId: string, error: DrsError, operation: string): void => {
  const wire = checkedDrsError(operation, error).wire();
  sendJson(response, wire.status, wire.body, { ...wire.headers, 'x-amzn-RequestId': requestId });
};

const checkSourceServers = (servers: SourceServerRecord[]): void => {
  for (const server of servers) {
    if (!SOURCE_SERVER_ID.test(server.sourceServerID ?? '')) {
      throw new Error(`Source server id ${String(server.sourceServerID)} does not match s-[0-9a-zA-Z]{17}`);
    }
    if (typeof server.hostname !== 'string') throw new Error(`Source server ${server.sourceServerID} needs a hostname`);
    if (server.originAccountId !== undefined && !/^\d{12}$/.test(server.originAccountId))
      throw new Error(`Source server ${server.sourceServerID}: originAccountId must be 12 digits`);
    if (server.originRegion !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(server.originRegion))
      throw new Error(`Source server ${server.sourceServerID}: originRegion must be a Region name such as us-west-2`);
  }
};

/**
 * An HTTP server on 127.0.0.1 speaking DRS's REST-JSON protocol as @aws-sdk/client-drs sends and
 * reads it: POST /<Operation> with a JSON body; errors carry `x-amzn-ErrorType`, a JSON body with
 * `message` and the error's members, and `Retry-After` for throttling.
 */
export const startDrsEmulator = async (options: DrsEmulatorOptions = {}): Promise<DrsEmulator> => {
  const region = options.region ?? 'us-east-1';
  const store = new DrsStore(options.dataDir);
  const faults = new DrsFaults(options.random);
  if (options.faults) faults.apply(options.faults);
  const startingQuotas: DrsQuotas = { ...DEFAULT_QUOTAS, ...checkedQuotas(options.quotas ?? {}) };
  const stats = new DrsStats();
  const context: DrsContext = {
    store,
    faults,
    now: options.clock ?? systemClock,
    arns: drsArns(region, options.accountId ?? '000000000000'),
    speed: options.speed ?? 1,
    timings: mergedTimings(DEFAULT_TIMINGS, { ...options.timings }),
    sourceOrigin: options.sourceOrigin ?? { accountId: options.accountId ?? '000000000000', region: 'us-west-2' },
    defaultPageSize: options.defaultPageSize ?? 100,
    quotas: { ...startingQuotas },
  };
  const registerSourceServers = (servers: SourceServerRecord[]): void => {
    checkSourceServers(servers);
    store.registerSourceServers(servers);
  };
  if (options.sourceServers) registerSourceServers(options.sourceServers);
  const startingTimings = context.timings;
  const timings = {
    current: () => context.timings,
    update: (update: Record<string, unknown>) => {
      context.timings = mergedTimings(context.timings, update);
    },
    reset: () => {
      context.timings = startingTimings;
    },
  };
  const admin = { store, faults, stats, quotas: context.quotas, startingQuotas, registerSourceServers, timings };

  const handle = (request: IncomingMessage, rawBody: string, response: ServerResponse): void => {
    const path = requestPath(request);
    if (path.startsWith(ADMIN_PREFIX)) {
      handleAdmin(admin, request, path, rawBody, response);
      return;
    }
    const requestId = randomUUID();
    const name = path.slice(1);
    if (request.method !== 'POST' || !isDrsOperation(name)) {
      sendError(response, requestId, new DrsError('UnknownOperationException', 404, `Unknown operation ${request.method} ${path}`), name);
      return;
    }
    stats.signedBy(name, signingAccessKeyId(request));
    let body: Json | undefined;
    try {
      body = parseBody(rawBody);
      stats.called(name, name === 'StartRecovery' ? startRecoveryTags(body) : undefined);
      const fault = faults.takeRequestFault(name);
      if (fault?.kind === 'throttle') throw throttlingError(fault.retryAfterSeconds);
      if (fault?.kind === 'internalError') throw internalServerError(fault.retryAfterSeconds);
      checkDrsRequest(name, body);
      const result = OPERATIONS[name](context, body);
      checkDrsAnswer(name, result);
      stats.succeeded(name, result.tags);
      sendJson(response, result.status, result.body, { 'x-amzn-RequestId': requestId });
    } catch (error) {
      if (!body) stats.called(name);
      const drsError =
        error instanceof DrsError
          ? error
          : new DrsError('InternalServerException', 500, `DRS emulator failure: ${error instanceof Error ? error.message : String(error)}`);
      stats.failed(name, drsError.errorType);
      sendError(response, requestId, drsError, name);
    }
  };

  const server = await startLoopbackServer(options.port ?? 0, handle);
  return {
    ...server,
    region,
    faults,
    stats,
    registerSourceServers,
    jobs: () => store.jobs,
    quotas: () => ({ ...context.quotas }),
    setQuotas: (update) => {
      Object.assign(context.quotas, checkedQuotas(update));
    },
    setSpeed: (speed) => {
      if (!(speed > 0)) throw new Error('speed must be positive');
      context.speed = speed;
    },
    timings: () => context.timings,
    setTimings: (update) => timings.update({ ...update }),
    setReplication: (id, replication) => updateServerPart(store, id, 'replication', replication),
    setLaunchConfiguration: (id, configuration) => updateServerPart(store, id, 'launch-configuration', configuration),
    setSnapshots: (id, snapshots) => updateServerPart(store, id, 'snapshots', { snapshots }),
    stateFile: store.path,
  };
};
