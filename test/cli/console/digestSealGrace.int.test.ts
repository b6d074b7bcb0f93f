/**
 * An ended execution whose end no digest seals (UNSEALED, which `verify` fails) is not good news in the console:
 * the feed says whether it is still within the grace in which its seal may come (the writer's synchronous seal,
 * or the next scheduled digest), counted from when its end happened, and never for an end dated in the future.
 * The ledgers are written behind the digest writer's back (every link recomputed: the hash chain verifies), from a
 * real drill's events moved in time.
 */
import { randomUUID } from 'node:crypto';
import { toEventItem } from '../../../src/adapters/dynamodb/marshalEvent';
import { UNSEALED_GRACE_MS } from '../../../src/cli/console/ledgerFeed';
import { type ConsoleServer, startStackConsole } from '../../../src/cli/console/stackConsole';
import { evolve, type ExecutionEvent, type ExecutionState, initialState } from '../../../src/domain/execution';
import { chainEvents, coversState } from '../../../src/domain/ledger';
import type { LocalStack } from '../../../src/local/stack';
import { RawLedger } from '../../audit/support/rawLedger';
import { samplePlan } from '../../fixtures/plan';
import { invoke, startTestStack, waitFor } from '../../support/localStack';
import { consoleGet, signIn } from './consoleClient';

jest.setTimeout(180_000);

const MINUTE = 60_000;

interface Feed {
  verification: { status: string };
  digest: { status: string; detail: string; awaitingSeal: boolean };
}

describe('an UNSEALED end in the console', () => {
  let stack: LocalStack;
  let web: ConsoleServer;
  let drilled: ExecutionEvent[];

  /** The drill's events as another execution's, its end (the last but its notification's record) `endedAgoMs` ago. */
  const writeEndedLedger = async (endedAgoMs: number): Promise<string> => {
    const executionId = `exec-${randomUUID()}`;
    const end = drilled.at(-2) as ExecutionEvent;
    const shift = Date.now() - endedAgoMs - Date.parse(end.occurredAt);
    const events = drilled.map((event) => ({
      ...event,
      executionId,
      occurredAt: new Date(Date.parse(event.occurredAt) + shift).toISOString(),
    })) as ExecutionEvent[];
    let state = initialState();
    const states = events.map((event) => (state = evolve(state, event)));
    const every = stack.config.ledgerSnapshotEvery;
    const covered = states.map((each, index) => (coversState(index + 1, every) ? each : undefined));
    const raw = new RawLedger(stack.dynamoClient, stack.config.tables.events, executionId);
    for (const [index, link] of chainEvents(undefined, events, covered).entries()) {
      await raw.put(toEventItem(link, states[index] as ExecutionState, coversState(index + 1, every)));
    }
    return executionId;
  };
  const feed = async (executionId: string): Promise<Feed> => {
    const reply = await consoleGet(web.url, `/api/executions/${executionId}/ledger`);
    expect(reply.status).toBe(200);
    return reply.body as unknown as Feed;
  };

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.loadPlans([samplePlan]);
    const started = await invoke(stack, {
      operation: 'start_execution',
      planId: samplePlan.planId,
      executionType: 'DRILL',
      initiatedBy: 'dr-lead@example.com',
    });
    const executionId = started.executionId as string;
    await waitFor(stack, executionId, (details) => details.status === 'COMPLETED', 120_000);
    await stack.sfn.settled(started.stepFunctionArn as string);
    drilled = (await stack.deps.store.read(executionId)).map((stored) => stored.event);
    expect(drilled.map((event) => event.type)).toContain('NotificationSent');
    web = await startStackConsole(stack, 0);
    await signIn(web.loginUrl);
  });
  afterAll(async () => {
    await web?.close();
    await stack?.close();
  });

  it('a minute after the end: UNSEALED, awaiting its seal', async () => {
    const executionId = await writeEndedLedger(MINUTE);
    const answer = await feed(executionId);
    expect(answer.verification.status).toBe('VERIFIED');
    expect(answer.digest).toMatchObject({ status: 'UNSEALED', awaitingSeal: true, detail: expect.stringContaining('is in no digest') });
  });

  it('past the grace: UNSEALED, no longer awaiting anything', async () => {
    const executionId = await writeEndedLedger(UNSEALED_GRACE_MS + MINUTE);
    expect((await feed(executionId)).digest).toMatchObject({ status: 'UNSEALED', awaitingSeal: false });
  });

  it('an end dated in the future gets no grace (it would never run out)', async () => {
    const executionId = await writeEndedLedger(-60 * MINUTE);
    expect((await feed(executionId)).digest).toMatchObject({ status: 'UNSEALED', awaitingSeal: false });
  });

  it('a sealed end is VOUCHED, awaiting nothing', async () => {
    const sealed = drilled[0]?.executionId as string;
    expect((await feed(sealed)).digest).toMatchObject({ status: 'VOUCHED', awaitingSeal: false });
  });
});
