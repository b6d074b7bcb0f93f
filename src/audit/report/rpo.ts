import { type ExecutionEvent, isInstant, rpoSecondsOf, type StartedExecution } from '../../domain/execution';

export const RPO_DEFINITION =
  "Measured RPO per server: from its wave's start (when drs-ledger requested DRS StartRecovery: the WaveStartRequested of the " +
  'launch) back to the point in time of the data it was launched from (DRS pointInTimeSnapshotDateTime, or the snapshot chosen for ' +
  "a recovery as of a moment), against the plan's rpoTargetMinutes; a server above the target is a BREACH. For a recovery as of a " +
  'moment, the distance of each point from the moment asked for, and the spread (newest point minus oldest) across servers.';

/** met / BREACH against the plan's target; no-target: the plan sets none; unknown: no recovery point on record. */
export type RpoVerdict = 'met' | 'breach' | 'no-target' | 'unknown';

export interface RpoServerEvidence {
  serverId: string;
  hostname?: string;
  waveNumber: number;
  /** When the wave's start that launched it was requested. */
  measuredFrom?: string;
  pointInTime?: string;
  snapshotId?: string;
  rpoSeconds?: number;
  /** For a recovery as of a moment: how far its point lies before that moment. */
  asOfDistanceSeconds?: number;
  verdict: RpoVerdict;
}

export interface RpoEvidence {
  definition: string;
  targetMinutes?: number;
  /** The moment the execution recovered every server as of. */
  recoverAsOf?: string;
  /** Every server a wave start included, in wave order. */
  servers: RpoServerEvidence[];
  worstSeconds?: number;
  breaches: number;
  /** Servers launched (or started) with no recovery point on record. */
  unknown: number;
  /** For a recovery as of a moment: newest point minus oldest, across servers with a point. */
  spreadSeconds?: number;
  oldestPoint?: string;
  newestPoint?: string;
}

interface Seen {
  waveNumber: number;
  measuredFrom?: string;
  pointInTime?: string;
  snapshotId?: string;
}

/** Each server's latest launch: the request time of its wave's start, and the point recorded for it. */
const launches = (events: readonly ExecutionEvent[]): Map<string, Seen> => {
  const requested = new Map<number, string>();
  const seen = new Map<string, Seen>();
  for (const event of events) {
    if (event.type === 'WaveStartRequested') requested.set(event.data.waveNumber, event.occurredAt);
    if (event.type !== 'WaveStarted' && event.type !== 'WavePolled') continue;
    const { waveNumber } = event.data;
    for (const server of event.data.servers) {
      // A wave start is a launch: what an earlier start of the server recorded no longer describes it.
      const from = requested.get(waveNumber);
      const earlier = seen.get(server.serverId);
      const known: Seen =
        event.type === 'WaveStarted' || !earlier ? { waveNumber, ...(from === undefined ? {} : { measuredFrom: from }) } : earlier;
      const point = server.recoveryPoint;
      // A ledger may hold anything: only an instant is a point in time.
      if (point && isInstant(point.pointInTime)) {
        known.pointInTime = point.pointInTime;
        if (point.snapshotId !== undefined) known.snapshotId = point.snapshotId;
      }
      seen.set(server.serverId, known);
    }
  }
  return seen;
};

const verdictOf = (rpoSeconds: number | undefined, targetMinutes: number | undefined): RpoVerdict =>
  rpoSeconds === undefined ? 'unknown' : targetMinutes === undefined ? 'no-target' : rpoSeconds > targetMinutes * 60 ? 'breach' : 'met';

/** The RPO of every server a wave start included, from the events alone. */
export const rpoEvidence = (events: readonly ExecutionEvent[], state: StartedExecution, targetMinutes: number | undefined): RpoEvidence => {
  const seen = launches(events);
  const recoverAsOf = state.recoverAsOf;
  const servers = state.waves.flatMap((wave) =>
    wave.servers.flatMap((server): RpoServerEvidence[] => {
      const launch = seen.get(server.serverId);
      if (!launch) return [];
      const rpoSeconds =
        launch.pointInTime !== undefined && launch.measuredFrom !== undefined
          ? rpoSecondsOf(launch.pointInTime, launch.measuredFrom)
          : undefined;
      const asOfDistanceSeconds =
        recoverAsOf !== undefined && launch.pointInTime !== undefined ? rpoSecondsOf(launch.pointInTime, recoverAsOf) : undefined;
      return [
        {
          serverId: server.serverId,
          ...(server.hostname === undefined ? {} : { hostname: server.hostname }),
          waveNumber: launch.waveNumber,
          ...(launch.measuredFrom === undefined ? {} : { measuredFrom: launch.measuredFrom }),
          ...(launch.pointInTime === undefined ? {} : { pointInTime: launch.pointInTime }),
          ...(launch.snapshotId === undefined ? {} : { snapshotId: launch.snapshotId }),
          ...(rpoSeconds === undefined ? {} : { rpoSeconds }),
          ...(asOfDistanceSeconds === undefined ? {} : { asOfDistanceSeconds }),
          // A recovery as of a moment is judged against the moment asked for: the age the operator chose is no breach.
          verdict: verdictOf(recoverAsOf === undefined ? rpoSeconds : asOfDistanceSeconds, targetMinutes),
        },
      ];
    }),
  );
  const measured = servers.flatMap((server) => (server.rpoSeconds === undefined ? [] : [server.rpoSeconds]));
  const points = servers
    .flatMap((server) => (server.pointInTime === undefined ? [] : [server.pointInTime]))
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  const oldest = points[0];
  const newest = points.at(-1);
  return {
    definition: RPO_DEFINITION,
    ...(targetMinutes === undefined ? {} : { targetMinutes }),
    ...(recoverAsOf === undefined ? {} : { recoverAsOf }),
    servers,
    ...(measured.length ? { worstSeconds: Math.max(...measured) } : {}),
    breaches: servers.filter((server) => server.verdict === 'breach').length,
    unknown: servers.filter((server) => server.verdict === 'unknown').length,
    ...(recoverAsOf !== undefined && oldest !== undefined && newest !== undefined
      ? { spreadSeconds: rpoSecondsOf(oldest, newest), oldestPoint: oldest, newestPoint: newest }
      : {}),
  };
};
