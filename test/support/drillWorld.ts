import { DrsEmulator, ManualClock, manualClock, SnsEmulator, startDrsEmulator, startSnsEmulator } from '../../src/local/emulators';
import type { RecoveryPlan } from '../../src/domain/plan';
import type { WiringOptions } from '../../src/handlers/wiring';
import { HandlerHarness, startHandlerHarness } from './handlerHarness';

export interface DrillWorld {
  harness: HandlerHarness;
  drs: DrsEmulator;
  sns: SnsEmulator;
  clock: ManualClock;
  topicArn: string;
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
  const drs = await startDrsEmulator({ clock: clock.now });
  const sns = await startSnsEmulator({ topics: ['drs-ledger-notifications'], clock: clock.now });
  const topicArn = sns.topicArn('drs-ledger-notifications');
  const harness = await startHandlerHarness(
    { now: () => new Date(clock.now()).toISOString(), ...options },
    { DRS_ENDPOINT: drs.endpoint, SNS_ENDPOINT: sns.endpoint, NOTIFICATION_TOPIC_ARN: topicArn, ...env },
  );
  return {
    harness,
    drs,
    sns,
    clock,
    topicArn,
    loadPlans: async (...plans) => {
      for (const plan of plans) {
        await harness.deps.plans.put(plan);
        drs.registerSourceServers(
          plan.waves.flatMap((wave) => wave.sourceServerIds.map((sourceServerID) => ({ sourceServerID, hostname: `host-${sourceServerID.slice(-4)}` }))),
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
