/**
 * `drs-ledger executions`: executions newest first from the ledger's index of starts, filtered by plan and
 * status, a page at a time with a token that resumes exactly where the listing stopped; a forged token is refused.
 */
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { DynamoExecutionViewStore } from '../../src/adapters/dynamodb/executionViewStore';
import { viewItems } from '../../src/adapters/dynamodb/executionViewItem';
import { listExecutionRows } from '../../src/cli/commands/executions';
import { UsageError } from '../../src/cli/exitCodes';
import { decide, evolve, type ExecutionCommand, type ExecutionEvent, initialState } from '../../src/domain/execution';
import { replayView } from '../../projections/projectExecutionView';
import { batchWrite, ledgerItems } from '../support/runningExecutions';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { runCli } from '../support/cli';
import { tempDataDir } from '../support/localStack';
import { openLedger } from '../../src/cli/ledgerAccess';

const T0 = Date.UTC(2026, 4, 1, 8, 0, 0);
const MINUTE = 60_000;

/** Execution n of plan `planId`, started n minutes after T0; failed when asked. */
const history = (n: number, planId: string, failed: boolean): ExecutionEvent[] => {
  const at = new Date(T0 + n * MINUTE).toISOString();
  const events: ExecutionEvent[] = [];
  let state = initialState();
  const apply = (command: ExecutionCommand) => {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
    events.push(...decision.events);
    for (const event of decision.events) state = evolve(state, event);
  };
  const plan = { planId, planName: `Plan ${planId}`, waves: [{ waveName: 'only', sourceServerIds: ['s-0000000000000000a'] }] };
  const executionId = `exec-list-${String(n).padStart(2, '0')}`;
  apply({ type: 'StartExecution', executionId, plan, executionType: 'DRILL', initiatedBy: `op${n}@example.com`, at });
  if (failed) apply({ type: 'Fail', reason: 'DRS refused the start', at });
  return events;
};

describe('listing executions', () => {
  let context: DynamoTestContext;
  let ledger: Parameters<typeof listExecutionRows>[0];

  beforeAll(async () => {
    context = await startTestDynamo();
    const { client, config } = context;
    ledger = {
      client,
      config,
      store: new DynamoExecutionEventStore(client, config.tables.events),
      views: new DynamoExecutionViewStore(client, config.tables.executions),
    };
    // 12 executions: plan A the even ones, B the odd ones; every third one failed. Only the first 8 have a view
    // (the projector has not caught up with the newest): the listing folds the ledger for those.
    const histories = Array.from({ length: 12 }, (_, n) => history(n, n % 2 === 0 ? 'rp-a' : 'rp-b', n % 3 === 0));
    await batchWrite(
      client,
      config.tables.events,
      histories.flatMap((events) => ledgerItems(events)),
    );
    const views = histories.slice(0, 8).map((events) => replayView(events));
    await batchWrite(
      client,
      config.tables.executions,
      views.flatMap((view) => (view ? viewItems(view) : [])),
    );
  });
  afterAll(() => stopTestDynamo(context));

  const ids = (rows: Array<{ executionId: string }>) => rows.map((row) => row.executionId.replace('exec-list-', ''));

  it("lists newest first, with each one's plan, type, status and who started it", async () => {
    const { rows, nextToken } = await listExecutionRows(ledger, { limit: 100 });
    expect(ids(rows)).toEqual(['11', '10', '09', '08', '07', '06', '05', '04', '03', '02', '01', '00']);
    expect(nextToken).toBeUndefined();
    expect(rows[0]).toEqual({
      executionId: 'exec-list-11',
      planId: 'rp-b',
      executionType: 'DRILL',
      status: 'RUNNING',
      startTime: new Date(T0 + 11 * MINUTE).toISOString(),
      currentWave: expect.any(Number),
      totalWaves: 1,
      initiatedBy: 'op11@example.com',
    });
    expect(rows.find((row) => row.executionId === 'exec-list-09')).toMatchObject({ status: 'FAILED', endTime: expect.any(String) });
  });

  it("filters by plan (from the index) and by status (from each view, or the ledger's fold)", async () => {
    expect(ids((await listExecutionRows(ledger, { limit: 100, plan: 'rp-a' })).rows)).toEqual(['10', '08', '06', '04', '02', '00']);
    expect(ids((await listExecutionRows(ledger, { limit: 100, status: 'FAILED' })).rows)).toEqual(['09', '06', '03', '00']);
    expect(ids((await listExecutionRows(ledger, { limit: 100, plan: 'rp-b', status: 'FAILED' })).rows)).toEqual(['09', '03']);
    expect((await listExecutionRows(ledger, { limit: 100, plan: 'rp-none' })).rows).toEqual([]);
  });

  it('pages: each token resumes right after the last row given, until the oldest, with no row twice or left out', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await listExecutionRows(ledger, { limit: 5, status: 'RUNNING', ...(token ? { nextToken: token } : {}) });
      seen.push(...ids(page.rows));
      token = page.nextToken;
      pages += 1;
    } while (token);
    expect(seen).toEqual(['11', '10', '08', '07', '05', '04', '02', '01']);
    expect(pages).toBe(2);
  });

  it('refuses a token it did not give, as a usage error', async () => {
    const forged = Buffer.from(JSON.stringify({ executionId: { S: 'x' }, planId: { S: 'y' } })).toString('base64url');
    await expect(listExecutionRows(ledger, { limit: 5, nextToken: forged })).rejects.toThrow(UsageError);
    await expect(listExecutionRows(ledger, { limit: 5, nextToken: 'not a token!' })).rejects.toThrow(
      '--next-token is not one this listing gave',
    );
  });

  it('through the CLI, on a data folder: says when there are none, and bounds --limit', async () => {
    const dataDir = tempDataDir();
    expect(await runCli('--data-dir', dataDir, 'executions')).toEqual({ code: 0, stdout: 'No executions.\n', stderr: '' });
    expect(await runCli('--data-dir', dataDir, 'executions', '--json')).toMatchObject({ code: 0, stdout: '{"executions":[]}\n' });
    const tooMany = await runCli('--data-dir', dataDir, 'executions', '--limit', '101');
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('must be at most 100');
    expect((await runCli('--data-dir', dataDir, 'executions', '--status', 'DONE')).code).toBe(2);
  });

  it('through the CLI: one line each, and the command that lists the next page', async () => {
    const dataDir = tempDataDir();
    const local = await openLedger(dataDir);
    try {
      const histories = [0, 1, 2].map((n) => history(n, 'rp-a', n === 1));
      await batchWrite(
        local.client,
        local.config.tables.events,
        histories.flatMap((events) => ledgerItems(events)),
      );
    } finally {
      await local.close();
    }
    const first = await runCli('--data-dir', dataDir, 'executions', '--plan', 'rp-a', '--limit', '2');
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      `exec-list-02  DRILL     RUNNING    rp-a  started ${new Date(T0 + 2 * MINUTE).toISOString()}  wave 1/1  by op2@example.com (unverified)`,
      `exec-list-01  DRILL     FAILED     rp-a  started ${new Date(T0 + MINUTE).toISOString()}  ended ${new Date(T0 + MINUTE).toISOString()}  wave 1/1  by op1@example.com (unverified)`,
    ]);
    // The next page's command names the same ledger (a bare one would list the default folder's, or no stack's).
    expect(lines[2]).toMatch(
      new RegExp(
        `^More: drs-ledger --data-dir ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} executions --plan rp-a --limit 2 --next-token [A-Za-z0-9_-]+$`,
      ),
    );
    // Run as printed.
    const second = await runCli(...(lines[2] as string).replace(/^More: drs-ledger /, '').split(' '));
    expect(second.stdout).toMatch(/^exec-list-00 {2}DRILL .* by op0@example.com \(unverified\)\n$/);
  });
});
