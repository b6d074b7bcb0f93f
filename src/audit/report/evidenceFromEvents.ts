import {
  type ExecutionEvent,
  fold,
  initialState,
  isStarted,
  isTerminal,
  secondsBetween,
  type StartedExecution,
} from '../../domain/execution';
import { EVIDENCE_FORMAT_VERSION, type Evidence, type LedgerEvidence, type ServerEvidence, type WaveEvidence } from './evidence';
import { operatorActor } from './actors';
import { approvals } from './approvals';
import { failures, notifications } from './failures';
import { operatorActions, pauses } from './operatorActions';
import { accountsOf, simulationOf } from './placeEvidence';
import { rpoEvidence } from './rpo';
import { readinessOf } from './readiness';
import { RTO_DEFINITION, rtoMeasure, SERVER_TIME_DEFINITION, simulatedRto, WAVE_RTO_DEFINITION } from './rto';
import { recoveryInstancesEvidence } from './recoveryInstances';

/** When polls first saw each server FAILED or TERMINATED, by wave and server. */
const failureTimes = (events: readonly ExecutionEvent[]): Map<string, string> => {
  const times = new Map<string, string>();
  for (const event of events) {
    if (event.type !== 'WaveStarted' && event.type !== 'WavePolled') continue;
    for (const server of event.data.servers) {
      const key = `${event.data.waveNumber}/${server.serverId}`;
      if ((server.launchStatus === 'FAILED' || server.launchStatus === 'TERMINATED') && !times.has(key)) times.set(key, event.occurredAt);
    }
  }
  return times;
};

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

const notRecoveredNote = (state: StartedExecution): string => {
  const failed = state.waves.find((wave) => wave.status === 'FAILED');
  if (failed) return `not recovered: wave ${failed.waveNumber} failed`;
  const pending = state.waves.find((wave) => wave.status !== 'COMPLETED');
  const which = pending ? `wave ${pending.waveNumber} did not complete` : 'not every wave completed';
  return isTerminal(state) ? `not recovered: execution ${state.status.toLowerCase()}, ${which}` : `not recovered yet: ${which}`;
};

/**
 * The evidence of an execution from its verified events (seq 1 onwards, in order) and what verification
 * found. Pure: every figure is read or derived from the events' content and times.
 */
export const evidenceFromEvents = (events: readonly ExecutionEvent[], ledger: LedgerEvidence): Evidence => {
  const state = fold(events, initialState());
  const started = events[0];
  if (!isStarted(state) || started?.type !== 'ExecutionStarted')
    throw new Error('Evidence needs the events of a started execution, from seq 1');
  const plan = started.data.plan;
  const context = { status: state.status, startTime: state.startTime, lastEventAt: state.lastEventAt };
  const failedAt = failureTimes(events);

  const waves = state.waves.map((wave): WaveEvidence => ({
    waveNumber: wave.waveNumber,
    waveName: wave.waveName,
    status: wave.status,
    startAttempts: wave.startAttempts,
    ...optional('drsJobId', wave.drsJobId),
    ...optional('startTime', wave.startTime),
    ...optional('endTime', wave.endTime),
    ...optional('durationSeconds', wave.startTime && wave.endTime ? secondsBetween(wave.startTime, wave.endTime) : undefined),
    ...optional('failureReason', wave.failureReason),
    rto: rtoMeasure(
      wave.status === 'COMPLETED' && wave.endTime ? secondsBetween(state.startTime, wave.endTime) : undefined,
      plan.rtoTargetMinutes,
      { ...context, notRecovered: wave.status === 'PENDING' ? 'not run' : wave.status === 'FAILED' ? 'wave failed' : 'not completed' },
    ),
  }));

  const servers = state.waves.flatMap((wave) =>
    wave.servers.map((server): ServerEvidence => {
      const failed = failedAt.get(`${wave.waveNumber}/${server.serverId}`);
      const end = server.launchTime ?? failed;
      return {
        serverId: server.serverId,
        ...optional('hostname', server.hostname),
        waveNumber: wave.waveNumber,
        status: server.launchStatus,
        ...optional('recoveryInstanceId', server.recoveryInstanceId),
        ...optional('startTime', wave.startTime),
        ...optional('launchTime', server.launchTime),
        ...optional('failedAt', failed),
        ...optional('durationSeconds', wave.startTime && end ? secondsBetween(wave.startTime, end) : undefined),
        ...optional('failureReason', server.failureReason),
        ...optional('optional', server.optional),
      };
    }),
  );

  const recovered = state.waves.every((wave) => wave.status === 'COMPLETED' && wave.endTime);
  const recoveredAt = recovered
    ? state.waves
        .map((wave) => wave.endTime as string)
        .sort()
        .at(-1)
    : undefined;
  const simulation = simulationOf(started);
  const overall = rtoMeasure(recoveredAt ? secondsBetween(state.startTime, recoveredAt) : undefined, plan.rtoTargetMinutes, {
    ...context,
    notRecovered: notRecoveredNote(state),
  });
  const pauseList = pauses(events);
  const pausedSeconds = pauseList.reduce((sum, pause) => sum + (pause.seconds ?? secondsBetween(pause.from, state.lastEventAt)), 0);

  return {
    formatVersion: EVIDENCE_FORMAT_VERSION,
    ...(simulation ? { simulation } : {}),
    accounts: accountsOf(started),
    execution: {
      executionId: state.executionId,
      executionType: state.executionType,
      status: state.status,
      initiatedBy: state.initiatedBy,
      startedBy: operatorActor(started.actor, started.data.identity, started.data.simulated),
      startTime: state.startTime,
      ...optional('endTime', isTerminal(state) ? state.endTime : undefined),
      ...optional('durationSeconds', isTerminal(state) ? secondsBetween(state.startTime, state.endTime) : undefined),
      ...optional('stateMachineArn', state.executionArn),
      ...optional('accountId', state.accountContext?.accountId),
      ...optional('region', state.accountContext?.region),
      ...optional('failureReason', state.status === 'FAILED' ? state.failureReason : undefined),
    },
    plan: {
      planId: plan.planId,
      planName: plan.planName,
      ...optional('rtoTargetMinutes', plan.rtoTargetMinutes),
      waves: state.waves.map((wave) => ({
        waveNumber: wave.waveNumber,
        waveName: wave.waveName,
        pauseBeforeWave: wave.pauseBeforeWave,
        servers: wave.servers.map((server) => ({ serverId: server.serverId, ...optional('hostname', server.hostname) })),
      })),
    },
    actions: operatorActions(events),
    pauses: pauseList,
    approvals: approvals(events),
    ...optional('readiness', readinessOf(events)),
    waves,
    servers,
    rto: {
      definition: RTO_DEFINITION,
      waveDefinition: WAVE_RTO_DEFINITION,
      serverDefinition: SERVER_TIME_DEFINITION,
      overall,
      pausedSeconds,
      ...(simulation?.speed
        ? { simulated: simulatedRto(overall, simulation.speed, { ...context, pausedSeconds, notRecovered: notRecoveredNote(state) }) }
        : {}),
    },
    rpo: rpoEvidence(events, state, plan.rpoTargetMinutes),
    failures: failures(events),
    notifications: notifications(events),
    ...optional('recoveryInstances', recoveryInstancesEvidence(state, events)),
    ledger,
  };
};
