/**
 * Every execution's outcome notification reaches SNS, whatever its plan is called: SNS refuses a Subject
 * of 100 characters or more, or one with a line break, and a refused Publish loses the notification.
 * Driven by poll against dynalite and the DRS and SNS emulators, through the real SDK clients.
 */
import { decidedFrom, initialState, SCHEMA_VERSION } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { CUT_MARK } from '../../src/domain/text';
import { executionStarted } from '../fixtures/events';
import { PLAN_ID, samplePlan } from '../fixtures/plan';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';

const OPERATOR = 'dr-lead@example.com';

/** 250 characters as the plan validator counts them (code points), with emoji, accents and CJK: 260 UTF-16 code units. */
const LONG_NAME = (() => {
  const name = [...'Reprise d’activité 🚒 Île-de-France / 東京リージョン 🔥 tier '.repeat(8)].slice(0, 249).join('').trimEnd();
  return `${name}${'🧯'.repeat(250 - [...name].length)}`;
})();

/** What SNS accepts as a Subject, written out here independently of the code under test. */
const expectAcceptedSubject = (subject: string | undefined): void => {
  expect(subject).toBeDefined();
  expect(subject!.length).toBeGreaterThan(0);
  expect(subject!.length).toBeLessThan(100);
  expect(subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(() => encodeURIComponent(subject!)).not.toThrow();
};

describe('outcome notifications whatever the plan is called', () => {
  let world: DrillWorld;
  beforeEach(async () => {
    world = await startDrillWorld();
  });
  afterEach(() => world.stop());

  it('the long-name fixture is what it claims to be', () => {
    expect([...LONG_NAME]).toHaveLength(250);
    expect(LONG_NAME.length).toBeGreaterThan(250);
    expect(LONG_NAME).toMatch(/🚒/u);
  });

  it.each([
    ['79 characters (the old cut at 100 made a 100-character subject)', 'N'.repeat(79), `DRS drill completed: ${'N'.repeat(77)}`],
    ['250 characters with emoji', LONG_NAME, 'DRS drill completed: Reprise d’activité 🚒 Île-de-France'],
  ])('delivers the completion notification of a plan named with %s', async (_what, planName, subjectStart) => {
    await world.loadPlans({ ...samplePlan, planName });
    const started = await world.call({ operation: 'start_execution', planId: PLAN_ID, executionType: 'DRILL', initiatedBy: OPERATOR });
    expect(started.statusCode).toBe(200);
    const executionId = started.executionId as string;
    expect((await world.pollUntil(executionId, PLAN_ID, 'COMPLETED', 'FAILED')).status).toBe('COMPLETED');

    const messages = world.sns.messages();
    expect(messages).toHaveLength(1);
    const [notification] = messages;
    expectAcceptedSubject(notification?.subject);
    expect(notification?.subject?.startsWith(subjectStart)).toBe(true);
    expect(notification?.subject?.endsWith(CUT_MARK)).toBe(true);
    // The body keeps the name whole.
    expect(notification?.message).toContain(`of plan "${planName}"`);
    expect(notification?.messageAttributes).toMatchObject({
      executionId: { StringValue: executionId },
      status: { StringValue: 'COMPLETED' },
    });

    const types = (await world.ledger(executionId)).map((event) => event.type);
    expect(types).toContain('NotificationSent');
    expect(types).not.toContain('NotificationFailed');
    expect(world.sns.stats().errors).toEqual({});
  });

  it('delivers it for an execution whose ledger, written before names were checked, has line breaks in its names', async () => {
    // Such a plan is refused at `plans load` and start_execution now; only an old ledger can hold one.
    const oldPlan: RecoveryPlan = {
      ...samplePlan,
      planName: 'Three-tier\nweb shop\r\n(legacy)',
      waves: samplePlan.waves.map((wave, index) => (index === 1 ? { ...wave, waveName: 'apps\ttier' } : wave)),
    };
    await world.loadPlans(oldPlan);
    const executionId = 'exec-old-ledger-newline';
    const started = { ...executionStarted(oldPlan), executionId, occurredAt: new Date(world.clock.now()).toISOString() };
    expect(started.schemaVersion).toBe(SCHEMA_VERSION);
    const appended = await world.harness.deps.store.append(
      { executionId, state: initialState(), headHash: undefined },
      decidedFrom(initialState(), [started]),
    );
    expect(appended.ok).toBe(true);

    expect((await world.pollUntil(executionId, PLAN_ID, 'COMPLETED', 'FAILED')).status).toBe('COMPLETED');

    const messages = world.sns.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.subject).toBe('DRS drill completed: Three-tier web shop (legacy)');
    expectAcceptedSubject(messages[0]?.subject);
    // The body keeps the whole name, its line breaks shown rather than obeyed (no text can forge a line there).
    expect(messages[0]?.message).toContain('of plan "Three-tier\\nweb shop\\r\\n(legacy)"');
    const types = (await world.ledger(executionId)).map((event) => event.type);
    expect(types).toContain('NotificationSent');
    expect(types).not.toContain('NotificationFailed');
  });
});
