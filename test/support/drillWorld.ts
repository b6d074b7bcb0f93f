import {
  type DrsEmulator,
  type ManualClock,
  manualClock,
  QUICK_TIMINGS,
  type SnsEmulator,
  startDrsEmulator,
  startSnsEmulator,
} from '../../src/local/emulators';
import type { RecoveryPlan } from '../../src/domain/plan';
import type { WiringOptions } from '../../src/handlers/wiring';
import type { ExecutionEvent } from '../../src/domain/execution';
import type { OperationResponse } from '../../src/operations/responses';
import { type HandlerHarness, startHandlerHarness } from './handlerHarness';

export interface DrillWorld {
  harness: HandlerHarness;
  drs: DrsEmulator;
  sns: SnsEmulator;
  clock: ManualClock;
  topicArn: string;
  /** Every response the handler gave through `call`, for checks across a whole run. */
  responses: OperationResponse[];
  call(event: Record<string, unknown>): Promise<OperationResponse>;
  /** As the drill state machine calls the internal function (wait_for_resume, attach_state_machine). */
  callInternal(event: Record<string, unknown>): Promise<OperationResponse>;
  /** Polls every 30 simulated seconds until the status is one of `statuses` (at most 200 polls). */
  pollUntil(executionId: string, planId: string, ...statuses: string[]): Promise<OperationResponse>;
  /** The execution's events, in seq order. */
  ledger(executionId: string): Promise<ExecutionEvent[]>;
  /** Stores plans and registers their servers with the DRS emulator. */
  loadPlans(...plans: RecoveryPlan[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The handler against real local services: dynalite, the DRS and SNS emulators reached through the
 * real SDK clients. One manual clock drives DRS's simulated jobs and the handler's `now`.
 */
export const startDrillWorld = async (options: WiringOptions = {}, env: NodeJS.ProcessEnv = {}): Promise<DrillWorld> => {
  const clock = manualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
  // DRS's launches in seconds (QUICK_TIMINGS): the figures these tests check were written for that pace.
  const drs = await startDrsEmulator({ clock: clock.now, timings: QUICK_TIMINGS });
  const sns = await startSnsEmulator({ topics: ['drs-ledger-notifications'], clock: clock.now });
  const topicArn = sns.topicArn('drs-ledger-notifications');
  const harness = await startHandlerHarness(
    { now: () => new Date(clock.now()).toISOString(), ...options },
    { DRS_ENDPOINT: drs.endpoint, SNS_ENDPOINT: sns.endpoint, NOTIFICATION_TOPIC_ARN: topicArn, ...env },
  );
  const responses: OperationResponse[] = [];
  const call = async (event: Record<string, unknown>) => {
    const response = await harness.call(event);
    responses.push(response);
    return response;
  };
  return {
    harness,
    drs,
    sns,
    clock,
    topicArn,
    responses,
    call,
    callInternal: async (event) => {
      const response = await harness.callInternal(event);
      responses.push(response);
      return response;
    },
    pollUntil: async (executionId, planId, ...statuses) => {
      for (let i = 0; i < 200; i += 1) {
        clock.advance(30_000);
        const response = await call({ operation: 'poll', executionId, planId });
        if (response.statusCode !== 200) throw new Error(`poll answered ${JSON.stringify(response)}`);
        if (statuses.includes(response.status as string)) return response;
      }
      throw new Error(`never reached ${statuses.join('/')}`);
    },
    ledger: async (executionId) => (await harness.deps.store.read(executionId)).map((stored) => stored.event),
    loadPlans: async (...plans) => {
      for (const plan of plans) {
        await harness.deps.plans.put(plan);
        drs.registerSourceServers(
          plan.waves.flatMap((wave) =>
            wave.sourceServerIds.map((sourceServerID) => ({ sourceServerID, hostname: `host-${sourceServerID.slice(-4)}` })),
          ),
        );
      }
    },
    stop: async () => {
      await harness.stop();
      await drs.close();
      await sns.close();
    },
  };
};
