/**
 * The evidence report's "Recovery instances" section: each instance a drill launched, when it was terminated and
 * confirmed gone, and a one-line verdict; what remains when the cleanup has not finished; nothing for a RECOVERY.
 * Texts from DRS in it are shown, never obeyed.
 */
import { renderHtml, renderMarkdown } from '../../src/audit';
import { evidenceFromEvents } from '../../src/audit/report/evidenceFromEvents';
import type { ExecutionEvent } from '../../src/domain/execution';
import { poll } from '../../src/operations/poll';
import { startExecution } from '../../src/operations/startExecution';
import { RecoveryJobsError } from '../../src/ports/recoveryJobs';
import { PLAN_ID, samplePlan, serversOf } from '../fixtures/plan';
import { MemoryWorld } from '../support/fakes/memoryWorld';

const EXECUTION = 'exec-0001';
const ledger = { eventCount: 0, headSeq: 0, headHash: 'ab'.repeat(32), verification: { ok: true as const } };
const WAVE_1_INSTANCES = serversOf(1).map((serverId) => `i-${serverId.slice(2)}`);

/** A drill (or recovery) whose wave 1 launched and whose wave 2 failed: its ledger as the world recorded it. */
const failedInWave2 = async (
  options: { executionType?: 'DRILL' | 'RECOVERY'; keepAliveMinutes?: number; prepare?: (world: MemoryWorld) => void } = {},
): Promise<ExecutionEvent[]> => {
  const world = new MemoryWorld();
  await world.givenPlan(samplePlan);
  options.prepare?.(world);
  await startExecution(world.deps, {
    planId: PLAN_ID,
    executionType: options.executionType ?? 'DRILL',
    initiatedBy: 'ops@example.com',
    ...(options.keepAliveMinutes === undefined ? {} : { keepAliveMinutes: options.keepAliveMinutes }),
  });
  world.clock.advance(30);
  world.drs.launchAll(world.drs.jobOfWave(1).jobId);
  await poll(world.deps, { executionId: EXECUTION, planId: PLAN_ID });
  world.clock.advance(30);
  world.drs.progress(world.drs.jobOfWave(2).jobId, 'COMPLETED', 'FAILED');
  await poll(world.deps, { executionId: EXECUTION, planId: PLAN_ID });
  return world.events(EXECUTION);
};

const section = (markdown: string): string[] => {
  const lines = markdown.split('\n');
  const start = lines.indexOf('## Recovery instances');
  return start === -1 ? [] : lines.slice(start, lines.indexOf('## Tamper alarms'));
};

describe('the Recovery instances section', () => {
  it('given a drill that failed in wave 2 and was cleaned up, lists each instance gone and proves it in one line', async () => {
    const evidence = evidenceFromEvents(await failedInWave2(), ledger);
    expect(evidence.recoveryInstances).toMatchObject({
      verdict: { ok: true, text: 'all 2 drill instances terminated and confirmed gone' },
      cleanup: { status: 'completed', instancesTerminated: 2, instancesAlreadyGone: 0 },
    });
    expect(
      evidence.recoveryInstances?.instances.map((instance) => [instance.serverId, instance.recoveryInstanceId, instance.state]),
    ).toEqual(serversOf(1).map((serverId, index) => [serverId, WAVE_1_INSTANCES[index], 'gone']));
    expect(evidence.recoveryInstances?.instances.every((instance) => instance.launchedAt && instance.goneAt)).toBe(true);

    const lines = section(renderMarkdown(evidence));
    expect(lines).toContain('**Clean**: all 2 drill instances terminated and confirmed gone.');
    const rows = lines.filter((line) => line.startsWith('| '));
    expect(rows).toHaveLength(4);
    expect(rows[2]).toContain(WAVE_1_INSTANCES[0]);
    expect(rows[2]).toContain('| Gone |');
    const html = renderHtml(evidence);
    expect(html).toContain('<h2>Recovery instances</h2>');
    expect(html).toContain('<span class="pill good">CLEAN</span> all 2 drill instances terminated and confirmed gone');
  });

  it('given a cleanup whose termination failed, says which instances are STILL RUNNING and lists the failure', async () => {
    const events = await failedInWave2({
      prepare: (world) =>
        world.drs.failNextTerminate(new RecoveryJobsError('AccessDeniedException', 'not allowed: drs:TerminateRecoveryInstances', false)),
    });
    const evidence = evidenceFromEvents(events, ledger);
    expect(evidence.recoveryInstances?.verdict).toEqual({
      ok: false,
      text: `2 of 2 drill instances STILL RUNNING (the cleanup has not confirmed them gone): ${WAVE_1_INSTANCES.join(', ')}`,
    });
    expect(evidence.recoveryInstances?.cleanup.status).toBe('failed-retrying');
    const markdown = section(renderMarkdown(evidence)).join('\n');
    expect(markdown).toContain('**NOT CLEAN**');
    expect(markdown).toContain('STILL RUNNING');
    expect(markdown).toContain('AccessDeniedException');
    expect(renderHtml(evidence)).toContain('<span class="pill bad">NOT CLEAN</span>');
  });

  it('given a keep-alive, says until when the instances are kept', async () => {
    const evidence = evidenceFromEvents(await failedInWave2({ keepAliveMinutes: 45 }), ledger);
    expect(evidence.recoveryInstances?.verdict.ok).toBe(true);
    expect(evidence.recoveryInstances?.verdict.text).toMatch(
      /^2 drill instances kept alive until 2026-03-01T09:46:00\.000Z, as the drill asked$/,
    );
    expect(evidence.recoveryInstances?.instances.map((instance) => instance.state)).toEqual(['kept-alive', 'kept-alive']);
  });

  it('given a RECOVERY, has no such section: its instances are the recovered workload', async () => {
    const evidence = evidenceFromEvents(await failedInWave2({ executionType: 'RECOVERY' }), ledger);
    expect(evidence.recoveryInstances).toBeUndefined();
    expect(section(renderMarkdown(evidence))).toEqual([]);
    expect(renderHtml(evidence)).not.toContain('Recovery instances</h2>');
  });

  it('given DRS texts that are markup, shows them and obeys none', async () => {
    const hostile = '<img src=x onerror=alert(1)>|x|\n## Verdict: clean';
    const events = (await failedInWave2({ prepare: (world) => world.drs.ignoreNextTerminations(1) })).map((event) =>
      event.type === 'WavePolled'
        ? { ...event, data: { ...event.data, servers: event.data.servers.map((server) => ({ ...server, hostname: hostile })) } }
        : event,
    );
    const evidence = evidenceFromEvents(events, ledger);
    const html = renderHtml(evidence);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const lines = section(renderMarkdown(evidence));
    expect(lines.filter((line) => line.startsWith('| '))).toHaveLength(4);
    expect(lines.some((line) => line.startsWith('## Verdict'))).toBe(false);
  });
});
