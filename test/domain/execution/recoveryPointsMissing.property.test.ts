import fc from 'fast-check';
import {
  decide,
  type ExecutionEvent,
  type ExecutionState,
  fold,
  initialState,
  type ObserveWave,
  type ServerObservation,
} from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { at, start } from '../../fixtures/commands';
import { serverId } from '../../fixtures/plan';

const [A, B, C, D] = [1, 2, 3, 4].map((n) => serverId('pt', n)) as [string, string, string, string];
/** One wave; D stays IN_PROGRESS so the wave stays open whatever happens to the others. */
const plan: RecoveryPlan = { planId: 'rp-points', planName: 'Points', waves: [{ waveName: 'all', sourceServerIds: [A, B, C, D] }] };

/** A poll: DRS shows `launched` LAUNCHED (D in progress); their points came (`withPoints`) or DRS could not say (`unavailable`). */
interface Poll {
  launched: string[];
  withPoints: string[];
  unavailable: boolean;
}
const poll = fc.record({
  launched: fc.subarray([A, B, C]),
  withPoints: fc.subarray([A, B, C]),
  unavailable: fc.boolean(),
});

/**
 * What the poll sends: DRS is asked of servers first seen LAUNCHED and of those the count holds (it reads them
 * from the events), and gives a point for some of them (`withPoints`), or cannot be asked at all.
 */
const observation = (step: Poll, seen: ReadonlySet<string>, counted: ReadonlySet<string>, minute: number): ObserveWave => {
  const launched = [...new Set([...seen, ...step.launched])];
  const servers: ServerObservation[] = [
    ...launched.map((serverId): ServerObservation => ({
      serverId,
      launchStatus: 'LAUNCHED',
      recoveryInstanceId: `i-${serverId.slice(2)}`,
      ...(!step.unavailable && step.withPoints.includes(serverId) && (!seen.has(serverId) || counted.has(serverId))
        ? { recoveryPoint: { pointInTime: at(-30) } }
        : {}),
    })),
    { serverId: D, launchStatus: 'IN_PROGRESS' },
  ];
  return {
    type: 'ObserveWave',
    waveNumber: 1,
    drsJobStatus: 'STARTED',
    servers,
    ...(step.unavailable ? { recoveryPointsUnavailable: true } : {}),
    at: at(minute),
  };
};

describe("the wave's count of recovery points still to read", () => {
  it('is always the number of servers recorded LAUNCHED without their point, after points came unreadable', () => {
    fc.assert(
      fc.property(fc.array(poll, { minLength: 1, maxLength: 12 }), (polls) => {
        let state: ExecutionState = initialState();
        const events: ExecutionEvent[] = [];
        const apply = (command: Parameters<typeof decide>[0]) => {
          const decision = decide(command, state);
          if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
          events.push(...decision.events);
          state = fold(decision.events, state);
        };
        apply(start({ plan }));
        apply({ type: 'RecordWaveStarted', waveNumber: 1, drsJobId: 'drsjob-points', servers: [], at: at(1) });
        const seen = new Set<string>();
        const unreadable = new Set<string>();
        polls.forEach((step, index) => {
          apply(observation(step, seen, unreadable, index + 2));
          const launched = [...seen, ...step.launched];
          if (step.unavailable) {
            // Servers first seen LAUNCHED by a poll that could not read DRS's recovery instances.
            for (const serverId of step.launched) if (!seen.has(serverId)) unreadable.add(serverId);
          } else {
            for (const serverId of step.withPoints) if (launched.includes(serverId)) unreadable.delete(serverId);
          }
          for (const serverId of step.launched) seen.add(serverId);
        });
        const pointed = new Set(
          events.flatMap((event) =>
            event.type === 'WavePolled' ? event.data.servers.filter((server) => server.recoveryPoint).map((server) => server.serverId) : [],
          ),
        );
        const wave = state.status === 'RUNNING' ? state.waves[0] : undefined;
        expect(wave?.recoveryPointsMissing ?? 0).toBe(unreadable.size);
        // Every server counted is indeed one the ledger holds no point for.
        for (const serverId of unreadable) expect(pointed.has(serverId)).toBe(false);
      }),
    );
  });
});
