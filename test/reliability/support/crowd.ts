/**
 * A crowd of concurrent drivers on some executions, all through the Lambda endpoint: state-machine-like
 * poll loops, find fan-outs (whose asynchronous polls run in the Lambda emulator), and operators sending
 * pause, resume and cancel at random. After the chaos period, operators only resume what is paused, so
 * that every execution can end.
 */
import { isTerminal, type StartedExecution } from '../../../src/domain/execution';
import type { LocalStack } from '../../../src/local/stack';
import { jitter, sleep, type Traffic } from './traffic';

export interface Target {
  executionId: string;
  planId: string;
}

export interface CrowdOptions {
  stack: LocalStack;
  traffic: Traffic;
  targets: Target[];
  pollers: number;
  finders: number;
  operators: number;
  /** Relative weights of the operators' actions during the chaos period. */
  mix: { pause: number; resume: number; cancel: number };
  /** Whether an operator may cancel this execution now (default: always). */
  mayCancel?: (state: StartedExecution) => boolean;
  chaosMs: number;
  deadlineMs: number;
}

export interface CrowdResult {
  allEnded: boolean;
  statuses: Record<string, string>;
  seconds: number;
}

export const driveCrowd = async (options: CrowdOptions): Promise<CrowdResult> => {
  const { stack, traffic, targets } = options;
  const started = Date.now();
  const states = new Map<string, StartedExecution>();
  let stop = false;
  let operatorSerial = 0;

  const live = (): Target[] =>
    targets.filter((target) => {
      const state = states.get(target.executionId);
      return !state || !isTerminal(state);
    });
  const pick = (from: Target[]): Target | undefined => from[Math.floor(Math.random() * from.length)];

  const monitor = async () => {
    while (!stop) {
      for (const target of live()) {
        // The oracle reads the ledger directly; under injected faults a read may fail: it is read next time.
        const state = await stack.deps.store.load(target.executionId).then(
          (loaded) => loaded.state,
          () => undefined,
        );
        if (state && state.status !== 'NOT_STARTED') states.set(target.executionId, state);
      }
      if (live().length === 0 || Date.now() - started > options.deadlineMs) stop = true;
      else await sleep(100);
    }
  };

  const poller = async () => {
    while (!stop) {
      const target = pick(live());
      if (target) await traffic.call({ operation: 'poll', ...target });
      await sleep(jitter(5, 40));
    }
  };

  const finder = async () => {
    while (!stop) {
      await traffic.call({ operation: 'find' });
      await stack.lambda.drain();
      await sleep(jitter(50, 200));
    }
  };

  const chooseAction = (state: StartedExecution | undefined): 'pause' | 'resume' | 'cancel' => {
    const { pause, resume, cancel } = options.mix;
    const cancelWeight = state && (options.mayCancel?.(state) ?? true) ? cancel : 0;
    const roll = Math.random() * (pause + resume + cancelWeight);
    return roll < pause ? 'pause' : roll < pause + resume ? 'resume' : 'cancel';
  };

  const operator = async (index: number) => {
    while (!stop) {
      const chaos = Date.now() - started < options.chaosMs;
      const candidates = chaos ? live() : live().filter((target) => states.get(target.executionId)?.status === 'PAUSED');
      const target = pick(candidates);
      if (target) {
        const action = chaos ? chooseAction(states.get(target.executionId)) : 'resume';
        operatorSerial += 1;
        await traffic.operator(action, target.executionId, target.planId, `operator-${index}-${operatorSerial}`);
      }
      await sleep(chaos ? jitter(20, 120) : jitter(30, 80));
    }
  };

  await Promise.all([
    monitor(),
    ...Array.from({ length: options.pollers }, poller),
    ...Array.from({ length: options.finders }, finder),
    ...Array.from({ length: options.operators }, (_, index) => operator(index)),
  ]);
  await stack.lambda.drain();
  return {
    allEnded: live().length === 0,
    statuses: Object.fromEntries(targets.map((target) => [target.executionId, states.get(target.executionId)?.status ?? 'UNKNOWN'])),
    seconds: (Date.now() - started) / 1000,
  };
};
