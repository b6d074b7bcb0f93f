import { evolve, type ExecutionState, initialState, isTerminal, WAVE_START_CLAIM_LIFETIME_MS } from '../../src/domain/execution';
import { genesisHash, linkProblem } from '../../src/domain/ledger';
import type { SimWorld } from './world';

export interface InvariantFailure {
  invariant: string;
  detail: string;
  /** Simulated ms since the run began, and the step, when it was seen. */
  atMs: number;
  step: number;
}

interface ChainCursor {
  prevHash: string;
  state: ExecutionState;
  seq: number;
  occurredAt: string;
  /** Item hashes as first seen, by seq: a later change is a lost write. */
  hashes: Map<number, string>;
}

const OPERATOR_OPERATIONS = new Set(['pause', 'resume', 'cancel', 'retry_wave', 'skip_wave', 'approve', 'decline']);

/**
 * The properties every step must keep, checked as the run goes (incrementally: each item, job, answer and log
 * line once). What needs the whole run (liveness, views against replays, RTO) is checked at its end (final.ts).
 */
export class StepInvariants {
  readonly failures: InvariantFailure[] = [];
  private readonly chains = new Map<string, ChainCursor>();
  private jobsChecked = 0;
  private invocationsChecked = new Set<object>();
  private logLinesChecked = 0;
  private readonly partsStarted = new Map<string, string>();
  private readonly jobsRecorded = new Map<string, string>();

  constructor(private readonly world: SimWorld) {}

  fail(invariant: string, detail: string): void {
    if (this.failures.some((failure) => failure.invariant === invariant && failure.detail === detail)) return;
    this.failures.push({ invariant, detail, atMs: this.world.scheduler.nowMs - this.startMs(), step: this.world.scheduler.steps });
    this.world.note(`!! INVARIANT ${invariant}: ${detail}`);
  }

  check(): void {
    this.checkLedger();
    this.checkJobs();
    this.checkAnswers();
    this.checkLogLines();
  }

  private startMs(): number {
    return Date.UTC(2026, 5, 1, 9, 0, 0);
  }

  /** Chain links, a fold that agrees with every snapshot, occurredAt never going back, and no write undone. */
  private checkLedger(): void {
    for (const [executionId, items] of this.world.ledger.byExecution) {
      let cursor = this.chains.get(executionId);
      for (const item of items) {
        const { event } = item.stored;
        const seen = cursor?.hashes.get(event.seq);
        if (seen !== undefined) {
          if (seen !== item.stored.hash)
            this.fail('nothing lost', `${executionId} seq ${event.seq} was overwritten: a write its writer was told succeeded is gone`);
          continue;
        }
        if (!cursor) {
          cursor = { prevHash: genesisHash(executionId, event.planId), state: initialState(), seq: 0, occurredAt: '', hashes: new Map() };
          this.chains.set(executionId, cursor);
        }
        if (event.seq !== cursor.seq + 1) {
          this.fail('chain valid', `${executionId} seq ${event.seq} follows seq ${cursor.seq}`);
          cursor.hashes.set(event.seq, item.stored.hash);
          continue;
        }
        let state: ExecutionState;
        try {
          state = evolve(cursor.state, event);
        } catch (error) {
          this.fail('chain valid', `${executionId} seq ${event.seq} (${event.type}) cannot be folded: ${String(error)}`);
          break;
        }
        const problem = linkProblem(cursor.prevHash, item.stored, state);
        if (problem) this.fail('chain valid', `${executionId}: ${problem}`);
        if (cursor.occurredAt && event.occurredAt < cursor.occurredAt) {
          this.fail(
            'occurredAt never decreases',
            `${executionId} seq ${event.seq} (${event.type}) at ${event.occurredAt} after seq ${cursor.seq} at ${cursor.occurredAt}`,
          );
        }
        this.checkFacts(executionId, cursor, item.trueMs, event.type, event.data);
        if (event.type === 'WaveStarted') this.checkJobRecordedOnce(executionId, event.data);
        cursor.hashes.set(event.seq, item.stored.hash);
        cursor.prevHash = item.stored.hash;
        cursor.state = state;
        cursor.seq = event.seq;
        cursor.occurredAt = event.occurredAt > cursor.occurredAt ? event.occurredAt : cursor.occurredAt;
      }
    }
  }

  /** What a record asserts must be true in simulated time: a lease said expired had been held that long. */
  private checkFacts(executionId: string, cursor: ChainCursor, trueMs: number, type: string, eventData: object): void {
    const data = eventData as Record<string, unknown>;
    if (type === 'ApprovalTimedOut') return this.checkApprovalTimeout(executionId, cursor, trueMs);
    if (type === 'ApprovalGranted') return this.checkOneApprovalPerPause(executionId, cursor);
    const error = data.error as { code?: string } | undefined;
    if (type !== 'WaveStartFailed' || error?.code !== 'StartLeaseExpired') return;
    const waveNumber = data.waveNumber as number;
    const claims = (this.world.ledger.byExecution.get(executionId) ?? []).filter(
      (item) =>
        item.stored.event.type === 'WaveStartRequested' &&
        (item.stored.event.data as { waveNumber: number }).waveNumber === waveNumber &&
        item.stored.event.seq <= cursor.seq,
    );
    const claim = claims.at(-1);
    if (claim && trueMs - claim.trueMs < WAVE_START_CLAIM_LIFETIME_MS) {
      this.fail(
        'records are true',
        `${executionId} wave ${waveNumber}: StartLeaseExpired recorded ${Math.round((trueMs - claim.trueMs) / 1000)}s after the claim (the lease is ${WAVE_START_CLAIM_LIFETIME_MS / 1000}s)`,
      );
    }
  }

  /** A pause is approved once: an approval already recorded is never asked for, nor recorded, again. */
  private checkOneApprovalPerPause(executionId: string, cursor: ChainCursor): void {
    const before = (this.world.ledger.byExecution.get(executionId) ?? [])
      .map((item) => item.stored.event)
      .filter((event) => event.seq <= cursor.seq);
    const pauseSeq = before.findLast((event) => event.type === 'ExecutionPaused')?.seq ?? 0;
    const earlier = before.find((event) => event.type === 'ApprovalGranted' && event.seq > pauseSeq);
    if (earlier) {
      this.fail('one approval per pause', `${executionId}: approval at seq ${cursor.seq + 1} after the approval at seq ${earlier.seq}`);
    }
  }

  /** Once the run has settled: every approval was followed by its resume (or by a cancel that came in between). */
  checkApprovalsResumed(): void {
    for (const [executionId, items] of this.world.ledger.byExecution) {
      const events = items.map((item) => item.stored.event).sort((a, b) => a.seq - b.seq);
      for (const granted of events.filter((event) => event.type === 'ApprovalGranted')) {
        const next = events.find(
          (event) =>
            event.seq > granted.seq &&
            ['ExecutionResumed', 'ExecutionCancelled', 'ExecutionPaused', 'ExecutionFailed'].includes(event.type),
        );
        if (next?.type !== 'ExecutionResumed' && next?.type !== 'ExecutionCancelled') {
          this.fail(
            'an approval resumes its wave',
            `${executionId}: the approval at seq ${granted.seq} is followed by ${next?.type ?? 'nothing'}`,
          );
        }
      }
    }
  }

  /** A DRS job is recorded as the start of one part of one wave's round, never of two. */
  private checkJobRecordedOnce(executionId: string, data: object): void {
    const { drsJobId, waveNumber, part } = data as { drsJobId: string; waveNumber: number; part?: number };
    const key = `${executionId} wave ${waveNumber} part ${part ?? 1}`;
    const earlier = this.jobsRecorded.get(drsJobId);
    if (earlier !== undefined && earlier !== key)
      this.fail('one DRS job per wave part', `${drsJobId} recorded for ${earlier} and for ${key}`);
    this.jobsRecorded.set(drsJobId, key);
  }

  /** An approval said timed out had waited its whole timeout, truly (its pause's write to the timeout's). */
  private checkApprovalTimeout(executionId: string, cursor: ChainCursor, trueMs: number): void {
    const state = cursor.state;
    if (state.status !== 'PAUSED' || !state.approval?.timeoutMinutes) return;
    const pause = (this.world.ledger.byExecution.get(executionId) ?? []).find((item) => item.stored.event.seq === state.lastPauseSeq);
    if (!pause) return;
    const waitedMs = trueMs - pause.trueMs;
    if (waitedMs < state.approval.timeoutMinutes * 60_000) {
      this.fail(
        'records are true',
        `${executionId}: ApprovalTimedOut after ${Math.round(waitedMs / 1000)}s of a ${state.approval.timeoutMinutes}-minute approval timeout`,
      );
    }
  }

  /** At most one DRS job per part of a wave (per retry round), and none while the execution may not start one. */
  private checkJobs(): void {
    for (; this.jobsChecked < this.world.jobsStarted.length; this.jobsChecked += 1) {
      const job = this.world.jobsStarted[this.jobsChecked];
      if (!job) continue;
      const t = job.tags;
      const key = `${t['drs-ledger:executionId']} wave ${t['drs-ledger:wave']} part ${t['drs-ledger:part']} round ${t['drs-ledger:retry'] ?? '0'}`;
      const earlier = this.partsStarted.get(key);
      if (earlier) this.fail('one DRS job per wave part', `${key}: ${earlier} and ${job.jobId}`);
      this.partsStarted.set(key, job.jobId);
      const executionId = t['drs-ledger:executionId'] ?? '';
      const head = this.world.ledger.headOf(executionId);
      const waveNumber = Number(t['drs-ledger:wave']);
      const state = head?.state;
      if (!state || state.status === 'NOT_STARTED') continue;
      const wave = state.waves[waveNumber - 1];
      if (state.status === 'PAUSED' || state.status === 'FAILED' || wave?.status === 'FAILED' || wave?.status === 'PENDING') {
        this.fail(
          'no wave starts while a pause or failure stands',
          `${key} started in DRS while the execution is ${state.status} and the wave ${wave?.status ?? 'unknown'} (seq ${state.version})`,
        );
      }
    }
  }

  /** An operator's answer must not contradict the state it reports. */
  private checkAnswers(): void {
    for (const invocation of this.world.invocations) {
      if (!invocation.response || this.invocationsChecked.has(invocation)) continue;
      this.invocationsChecked.add(invocation);
      const { response, event } = invocation;
      const operation = String(event.operation);
      if (!OPERATOR_OPERATIONS.has(operation) || response.statusCode !== 200) continue;
      const executionId = String(event.executionId);
      const status = typeof response.status === 'string' ? response.status : undefined;
      const executionStatus = typeof response.executionStatus === 'string' ? response.executionStatus : undefined;
      const message = typeof response.message === 'string' ? response.message : '';
      const said = `#${invocation.actor.id} ${operation} ${executionId} answered status ${status ?? '-'}, executionStatus ${executionStatus ?? '-'}: "${message}"`;
      // The contract's exceptions: a pause (or a cancel) asked while a wave is in flight answers PAUSED (CANCELLING)
      // and says it will take effect at the wave's end; the execution still runs.
      const pendingPause =
        executionStatus === 'RUNNING' &&
        ((operation === 'pause' && status === 'PAUSED' && /will pause/i.test(message)) ||
          (operation === 'cancel' && status === 'CANCELLING' && /cancel requested/i.test(message)));
      // resume and cancel answer the execution's status; retry and skip answer the wave's.
      const answersExecution = operation === 'resume' || operation === 'approve' || operation === 'cancel' || operation === 'pause';
      if (answersExecution && status && executionStatus && status !== executionStatus && !pendingPause)
        this.fail('answers agree with the state', said);
      if (isTerminalStatus(executionStatus ?? status) && /starting wave|will pause|resumed, starting/i.test(message)) {
        this.fail('answers agree with the state', said);
      }
      // The status reported must be one the execution held between the request and the answer.
      const held = new Set<string>();
      const from = invocation.headSeqAtStart ?? 0;
      for (const item of this.world.ledger.byExecution.get(executionId) ?? []) {
        if (item.stored.event.seq >= from && item.trueMs <= (invocation.answeredMs ?? Infinity)) held.add(item.state.status);
      }
      const reported = executionStatus ?? (pendingPause || !answersExecution ? undefined : status);
      if (reported && !held.has(reported)) {
        this.fail('answers agree with the state', `${said}; the execution held only ${[...held].join(', ')} while the request ran`);
      }
    }
  }

  /** Every line a request's logger writes names that request, never another running beside it. */
  private checkLogLines(): void {
    const lines = this.world.logLines;
    for (; this.logLinesChecked < lines.length; this.logLinesChecked += 1) {
      const seen = lines[this.logLinesChecked];
      if (!seen) continue;
      const invocation = this.world.invocations.find((candidate) => candidate.actor === seen.actor);
      if (!invocation) continue;
      const { line } = seen;
      const own = { operation: invocation.event.operation, executionId: invocation.event.executionId, planId: invocation.event.planId };
      for (const key of ['operation', 'executionId', 'planId'] as const) {
        if (line[key] !== undefined && own[key] !== undefined && line[key] !== own[key]) {
          this.fail(
            'log lines name their own request',
            `#${invocation.actor.id} ${String(own.operation)} wrote "${JSON.stringify(line.message)}" under ${key} ${JSON.stringify(line[key])} (its own: ${JSON.stringify(own[key])})`,
          );
        }
      }
    }
  }
}

const isTerminalStatus = (status: string | undefined): boolean => status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';

export { isTerminal };
