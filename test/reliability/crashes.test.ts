/**
 * Drills against a `serve` child process that is killed with SIGKILL at random moments (across waves,
 * pauses and resumes) and restarted on the same data folder each time, at least 20 times. Every drill
 * completes; its chain is valid, views equal replay, and each wave has exactly one DRS job (counted in
 * the DRS emulator's saved state by the jobs' execution and wave tags).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OperationResponse } from '../../src/operations/responses';
import { runCli } from '../support/cli';
import { tempDataDir } from '../support/localStack';
import { isEnded } from './support/drive';
import { recordFigures } from './support/figures';
import { auditLedger, duplicatedCount, lostCount, NO_PROBLEMS, problemsOf } from './support/ledgerAudit';
import { openOfflineLedger, savedDrsJobs } from './support/offlineLedger';
import { planOf } from './support/plans';
import { buildCli, killServe, type Serve, startServe, stopServe } from './support/serveProcess';
import { jitter, sleep, Traffic } from './support/traffic';

const MIN_KILLS = 22;
const MAX_DRILLS = 8;
const SERVE_ARGS = ['--speed', '30', '--find-interval', '1'];
const PLANS = Array.from({ length: MAX_DRILLS }, (_, index) => planOf(`rp-crash-${index + 1}`, 3, 4, { pauseBefore: [2], tag: 'crash' }));

describe('a stack killed at random moments of drills', () => {
  const dataDir = tempDataDir();
  let serve: Serve | undefined;
  beforeAll(async () => {
    buildCli();
    const file = join(dataDir, 'plans.json');
    writeFileSync(file, JSON.stringify({ plans: PLANS }));
    expect((await runCli('--data-dir', dataDir, 'plans', 'load', file)).code).toBe(0);
  });
  afterAll(async () => {
    if (serve) await killServe(serve);
  });

  it(`completes every drill across ${MIN_KILLS} or more SIGKILLs, with one DRS job per wave`, async () => {
    const started = Date.now();
    serve = await startServe(dataDir, SERVE_ARGS);
    const traffic = new Traffic(serve.lambda, 10_000);
    const executions: string[] = [];
    const killedDuring: Record<string, number> = {};
    let lastSeen = 'starting';
    let kills = 0;
    let drilling = true;

    const killer = async () => {
      while (drilling) {
        await sleep(jitter(300, 1800));
        if (!drilling) break;
        killedDuring[lastSeen] = (killedDuring[lastSeen] ?? 0) + 1;
        await killServe(serve as Serve);
        kills += 1;
        serve = await startServe(dataDir, SERVE_ARGS);
        traffic.use(serve.lambda);
      }
    };

    /** Starts a drill, or finds the one a killed start left behind (409 names it). */
    const startDrill = async (planId: string): Promise<string> => {
      for (;;) {
        const response = await traffic.call({ operation: 'start_execution', planId, executionType: 'DRILL', initiatedBy: 'reliability' });
        if (response?.statusCode === 200) return String(response.executionId);
        if (response?.statusCode === 409) {
          const existing = await traffic.call({ operation: 'get_execution_details', executionId: response.activeExecutionId });
          if (existing?.statusCode === 200) return String(response.activeExecutionId);
        }
        await sleep(100);
      }
    };

    const drill = async (planId: string): Promise<OperationResponse> => {
      const executionId = await startDrill(planId);
      executions.push(executionId);
      for (let serial = 0; ; serial += 1) {
        const details = await traffic.call({ operation: 'get_execution_details', executionId });
        if (details?.statusCode === 200) {
          lastSeen = `${String(details.status)} wave ${String(details.currentWave)}`;
          if (isEnded(details)) return details;
          if (details.status === 'PAUSED')
            await traffic.call({ operation: 'resume', executionId, planId, requestedBy: `operator-${serial}` });
          else if (Math.random() < 0.03) await traffic.call({ operation: 'pause', executionId, planId, requestedBy: `operator-${serial}` });
        }
        await sleep(100);
      }
    };

    const killing = killer();
    const outcomes: string[] = [];
    for (const plan of PLANS) {
      const ended = await drill(plan.planId);
      outcomes.push(String(ended.status));
      if (kills >= MIN_KILLS) break;
    }
    drilling = false;
    await killing;
    await stopServe(serve);
    serve = undefined;

    const offline = await openOfflineLedger(dataDir);
    const audit = await auditLedger(offline.deps, offline.dynamo, { expected: executions, drsJobs: savedDrsJobs(dataDir) });
    await offline.close();
    const jobsPerWave = executions.map((executionId) =>
      [1, 2, 3].map(
        (wave) =>
          savedDrsJobs(dataDir).filter(
            (job) => job.tags['drs-ledger:executionId'] === executionId && job.tags['drs-ledger:wave'] === String(wave),
          ).length,
      ),
    );
    recordFigures({
      scenario: `Crashes: ${kills} SIGKILLs of serve`,
      operations: traffic.operations,
      faultsInjected: kills,
      eventsChecked: audit.events,
      lost: lostCount(audit),
      duplicated: duplicatedCount(audit),
      chainsValid: audit.executions - audit.brokenChains.length,
      chainsChecked: audit.executions,
      seconds: (Date.now() - started) / 1000,
      note: `${executions.length} drills ${JSON.stringify(outcomes)}; killed during ${JSON.stringify(killedDuring)}`,
    });

    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(outcomes).toEqual(outcomes.map(() => 'COMPLETED'));
    expect(problemsOf(audit)).toEqual(NO_PROBLEMS);
    expect(jobsPerWave).toEqual(executions.map(() => [1, 1, 1]));
  });
});
