/**
 * `drs-ledger preflight <planId>`: the handler's answer as a table, exit 1 when a start would be refused, the
 * texts DRS wrote shown and never obeyed; and the start commands carry --override-reason.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Writable } from 'node:stream';
import { buildApiCall, buildEvent } from '../../src/cli/commands/invoke';
import { runPreflight } from '../../src/cli/commands/preflight';
import { startRequest } from '../../src/cli/drill/leftovers';
import { EXIT, UsageError } from '../../src/cli/exitCodes';
import { handleRequest } from '../../src/handlers/executionHandler';
import { APP_1, DB_1, PLAN_ID, samplePlan } from '../fixtures/plan';
import { MemoryWorld } from '../support/fakes/memoryWorld';

const logger = new Logger({ serviceName: 'cli-test', logLevel: 'SILENT' });

const captured = () => {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return { stream, text: () => text };
};

describe('drs-ledger preflight', () => {
  let world: MemoryWorld;
  beforeEach(async () => {
    world = new MemoryWorld();
    await world.givenPlan(samplePlan);
  });
  /** The execution-handler itself, in process, on the in-memory stores and DRS. */
  const handler = (event: Record<string, unknown>) => handleRequest(world.deps, logger, event);
  const run = async (options: { type?: string; recoverAsOf?: string; json?: boolean } = {}, planId = PLAN_ID) => {
    const out = captured();
    const exit = await runPreflight({ dataDir: '/nowhere', planId, ...options }, out.stream, handler);
    return { exit, text: out.text() };
  };

  it('of a ready plan says so and exits 0', async () => {
    const { exit, text } = await run();
    expect(exit).toBe(EXIT.ok);
    expect(text).toContain(`Plan ${PLAN_ID} is ready: 0 BLOCKING, 0 WARNING`);
  });

  it('lists BLOCKING findings with word and symbol, one line each, and exits 1', async () => {
    world.drs.replicationOf.set(DB_1, { serverId: DB_1, state: 'STALLED' });
    world.drs.launchConfigurationOf.set(APP_1, { serverId: APP_1, exists: false, problems: [] });
    const { exit, text } = await run({ type: 'RECOVERY' });
    expect(exit).toBe(EXIT.executionFailed);
    const lines = text.split('\n');
    expect(lines[0]).toContain(`Plan ${PLAN_ID} is NOT ready`);
    expect(lines[0]).toContain('2 BLOCKING, 0 WARNING');
    expect(lines.find((line) => line.includes('REPLICATION_NOT_HEALTHY'))).toMatch(
      new RegExp(`^✖ BLOCKING\\s+REPLICATION_NOT_HEALTHY\\s+wave 1\\s+${DB_1}\\s+Replication`),
    );
    expect(lines.find((line) => line.includes('LAUNCH_CONFIGURATION_MISSING'))).toMatch(/^✖ BLOCKING .*wave 2/);
  });

  it('shows a DRS error that carries terminal controls and line breaks as text: it cannot forge a line', async () => {
    world.drs.replicationOf.set(DB_1, { serverId: DB_1, state: 'STALLED', error: 'x\u001b[2J\n✔ Plan is ready\u202e' });
    const { text } = await run();
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202e');
    expect(text.split('\n').filter((line) => line.startsWith('✔'))).toEqual([]);
  });

  it('with --json prints the answer; a missing plan or a bad time is a usage error', async () => {
    // A month before the world's clock: the fake's only snapshots are a minute old, so none is at or before it.
    const { text } = await run({ json: true, recoverAsOf: '2026-02-01T00:00:00Z' });
    expect(JSON.parse(text)).toMatchObject({ planId: PLAN_ID, ready: false, recoverAsOf: '2026-02-01T00:00:00Z' });
    // A moment start_execution would refuse (beyond DRS's retention) is refused here too, not reported "not ready".
    await expect(run({ recoverAsOf: '2020-01-01T00:00:00Z' })).rejects.toThrow(/400 INVALID_RECOVER_AS_OF/);
    await expect(run({}, 'plan-missing')).rejects.toThrow(UsageError);
    await expect(run({}, 'plan-missing')).rejects.toThrow(/404 PLAN_NOT_FOUND/);
    await expect(run({ recoverAsOf: 'yesterday' })).rejects.toThrow(/--recover-as-of/);
    await expect(run({ type: 'TEST' })).rejects.toThrow(/--type/);
  });
});

describe('--override-reason on the commands that start', () => {
  it('invoke start_execution sends override.reason to the handler, and to the operator API with --as', () => {
    const options = { dataDir: '/x', planId: PLAN_ID, type: 'DRILL', overrideReason: 'known stall' };
    expect(buildEvent('start_execution', options)).toMatchObject({ operation: 'start_execution', override: { reason: 'known stall' } });
    expect(buildApiCall('start_execution', { ...options, initiatedBy: 'Alice' })).toEqual({
      method: 'POST',
      path: `/plans/${PLAN_ID}/drills`,
      body: { name: 'Alice', override: { reason: 'known stall' } },
    });
    expect(buildEvent('start_execution', { planId: PLAN_ID, type: 'DRILL' })).not.toHaveProperty('override');
  });

  it("invoke preflight --as asks the operator API's preflight route", () => {
    expect(buildApiCall('preflight', { dataDir: '/x', planId: PLAN_ID, type: 'RECOVERY' })).toEqual({
      method: 'GET',
      path: `/plans/${PLAN_ID}/preflight?type=RECOVERY`,
    });
    expect(buildApiCall('preflight', { dataDir: '/x', planId: PLAN_ID, recoverAsOf: '2026-02-01T00:00:00+01:00' })).toEqual({
      method: 'GET',
      path: `/plans/${PLAN_ID}/preflight?recoverAsOf=2026-02-01T00%3A00%3A00%2B01%3A00`,
    });
  });

  it('drill sends it with its start', () => {
    expect(startRequest(samplePlan, 'DRILL', { name: 'ops', simulated: false }, undefined, 'known stall')).toMatchObject({
      override: { reason: 'known stall' },
    });
    expect(startRequest(samplePlan, 'DRILL', { name: 'ops', simulated: false })).not.toHaveProperty('override');
  });
});
