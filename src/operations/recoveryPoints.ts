import { drsAccountOf } from './drsAccount';
import { type RecoveryPoint, recoveryPointProblem, type Running, type ServerObservation, type WaveState } from '../domain/execution';
import type { OperationDeps } from './deps';

/** An observation's servers with the recovery points DRS gave, and whether DRS could not be asked. */
export interface ObservedPoints {
  servers: ServerObservation[];
  /** DescribeRecoveryInstances failed: the servers first seen LAUNCHED now are recorded without their point. */
  unavailable: boolean;
}

/**
 * The wave's servers whose recovery point could not be read when they were first seen LAUNCHED (those its
 * count holds: the WavePolled that says `recoveryPointsMissing`) and that no later event gave one: read from its
 * events, and only while the wave counts some missing, so a poll reads the stream rarely. A server DRS answered
 * for without a point is not among them: asking again would not bring one, and its late point would be
 * counted against another's.
 */
export const serversMissingPoints = async (deps: OperationDeps, state: Running, wave: WaveState): Promise<Set<string>> => {
  if ((wave.recoveryPointsMissing ?? 0) === 0) return new Set();
  const missing = new Set<string>();
  const launched = new Set<string>();
  for (const { event } of await deps.store.read(state.executionId)) {
    if ((event.type !== 'WavePolled' && event.type !== 'WaveStarted') || event.data.waveNumber !== wave.waveNumber) continue;
    const counting = event.type === 'WavePolled' && (event.data.recoveryPointsMissing ?? 0) > 0;
    for (const server of event.data.servers) {
      if (server.recoveryPoint) missing.delete(server.serverId);
      else if (counting && server.launchStatus === 'LAUNCHED' && !launched.has(server.serverId)) missing.add(server.serverId);
      if (server.launchStatus === 'LAUNCHED') launched.add(server.serverId);
    }
  }
  return missing;
};

/**
 * Adds to the servers first seen LAUNCHED (and to those still missing theirs) the recovery point DRS gives
 * for their recovery instance (pointInTimeSnapshotDateTime). A failure to read it never stops the poll: the
 * observation goes on without, and says so, so that the wave counts the points still to read.
 */
export const withRecoveryPoints = async (
  deps: OperationDeps,
  state: Running,
  wave: WaveState,
  servers: ServerObservation[],
  missing: ReadonlySet<string>,
): Promise<ObservedPoints> => {
  const known = new Map(wave.servers.map((server) => [server.serverId, server.launchStatus]));
  const wanted = servers.filter(
    (server) =>
      server.launchStatus === 'LAUNCHED' &&
      server.recoveryInstanceId !== undefined &&
      (known.get(server.serverId) !== 'LAUNCHED' || missing.has(server.serverId)),
  );
  if (wanted.length === 0) return { servers, unavailable: false };
  let points: Map<string, RecoveryPoint>;
  try {
    const instances = await (
      await deps.drs()
    ).describeRecoveryInstances(
      wanted.map((server) => server.recoveryInstanceId as string),
      drsAccountOf(state),
    );
    points = new Map();
    for (const server of wanted) {
      const pointInTime = instances.get(server.recoveryInstanceId as string)?.pointInTime;
      const point = { pointInTime: pointInTime ?? '' };
      // A time DRS gave that is no instant is not recorded: the report says the point is unknown.
      if (pointInTime !== undefined && recoveryPointProblem(point) === undefined) points.set(server.serverId, point);
    }
  } catch (error) {
    deps.log.warn('Recovery points unavailable; recording the launch without them', {
      waveNumber: wave.waveNumber,
      servers: wanted.length,
      error: error instanceof Error ? error.message : String(error),
    });
    return { servers, unavailable: true };
  }
  return {
    servers: servers.map((server) => {
      const recoveryPoint = points.get(server.serverId);
      return recoveryPoint ? { ...server, recoveryPoint } : server;
    }),
    unavailable: false,
  };
};
