import { cleanupPending } from '../../../projections/cleanupView';
import type { ExecutionView } from '../../../projections/executionView';
import type { ExecutionViewStore, RunningPage, StoredView, ViewVersion, WaveJob } from '../../ports/executionViewStore';
import { detached, nextTurn } from './copy';
import { type Listing, pageOf } from './pageToken';

/** What a read saw: the write that committed the view (a fresh number per write, even at the same seq). */
interface MemoryVersion {
  store: InMemoryExecutionViewStore;
  write: number;
}

interface ViewRecord {
  view: ExecutionView;
  write: number;
}

const BY_ID: Listing<{ executionId: string }> = { name: 'views', keyLength: 1, keyOf: (entry) => [entry.executionId] };
const RUNNING_BY_ID: Listing<{ executionId: string }> = { ...BY_ID, name: 'running-views' };

/** The wave in progress of a view, as find needs it: the DynamoDB store reads the same from the header item. */
const waveInProgress = (view: ExecutionView): WaveJob | undefined => {
  const wave = view.waveStatuses.find((candidate) => candidate.status === 'IN_PROGRESS' && candidate.drsJobId);
  if (!wave?.drsJobId) return undefined;
  return {
    executionId: view.executionId,
    waveNumber: wave.waveNumber,
    drsJobIds: [...(wave.drsJobIds ?? [wave.drsJobId])],
    ...(view.accountContext ? { accountContext: detached(view.accountContext) } : {}),
  };
};

/**
 * The executions read model in memory, with the DynamoDB store's semantics: `put` commits only over the
 * write its `over` read saw (nothing stored, for `over` undefined), so a writer behind another loses and
 * never moves a view back, even when a rebuild rewrote the same seq. A view is one record committed at once,
 * so a read never finds one torn. Listings page in executionId order with opaque tokens; page sizes from 1
 * to 1,000. Everything stored and answered is a copy.
 *
 * Not modelled: DynamoDB's item size limit (ViewItemTooLargeError) and the wave-order layout check.
 */
export class InMemoryExecutionViewStore implements ExecutionViewStore {
  private readonly records = new Map<string, ViewRecord>();
  private writes = 0;

  async get(executionId: string): Promise<ExecutionView | undefined> {
    return (await this.read(executionId))?.view;
  }

  async read(executionId: string): Promise<StoredView | undefined> {
    await nextTurn();
    const record = this.records.get(executionId);
    if (!record) return undefined;
    const version: MemoryVersion = { store: this, write: record.write };
    return { view: detached(record.view), seq: record.view.seq, version: version as unknown as ViewVersion };
  }

  async put(view: ExecutionView, over: StoredView | undefined): Promise<boolean> {
    const copy = detached(view);
    await nextTurn();
    // The conditional write: the stored record must still be the one `over` read, checked and written in one step.
    const current = this.records.get(view.executionId);
    const expected = over?.version as unknown as MemoryVersion | undefined;
    if (
      expected === undefined ? current !== undefined : current === undefined || expected.store !== this || expected.write !== current.write
    ) {
      return false;
    }
    this.writes += 1;
    this.records.set(view.executionId, { view: copy, write: this.writes });
    return true;
  }

  async listRunning(pageSize: number, nextToken?: string): Promise<RunningPage> {
    await nextTurn();
    const running = [...this.records.values()]
      .filter((record) => record.view.status === 'RUNNING')
      .map(({ view }) => ({ executionId: view.executionId, planId: view.planId }));
    const { page, nextToken: next } = pageOf(RUNNING_BY_ID, running, pageSize, nextToken);
    return next === undefined ? { executions: page } : { executions: page, nextToken: next };
  }

  async listAwaitingApproval(pageSize: number, nextToken?: string): Promise<RunningPage> {
    await nextTurn();
    const waiting = [...this.records.values()]
      .filter((record) => record.view.status === 'PAUSED' && record.view.pendingApproval?.deadline !== undefined)
      .map(({ view }) => ({ executionId: view.executionId, planId: view.planId }));
    const { page, nextToken: next } = pageOf(RUNNING_BY_ID, waiting, pageSize, nextToken);
    return next === undefined ? { executions: page } : { executions: page, nextToken: next };
  }

  async listCleanupPending(pageSize: number, nextToken?: string): Promise<RunningPage> {
    await nextTurn();
    const pending = [...this.records.values()]
      .filter((record) => cleanupPending(record.view))
      .map(({ view }) => ({ executionId: view.executionId, planId: view.planId }));
    const { page, nextToken: next } = pageOf(RUNNING_BY_ID, pending, pageSize, nextToken);
    return next === undefined ? { executions: page } : { executions: page, nextToken: next };
  }

  async wavesInProgress(executionIds: string[]): Promise<WaveJob[]> {
    await nextTurn();
    return executionIds.flatMap((executionId) => {
      const record = this.records.get(executionId);
      const job = record && waveInProgress(record.view);
      return job ? [job] : [];
    });
  }

  async listAll(pageSize: number, nextToken?: string): Promise<{ executionIds: string[]; nextToken?: string }> {
    await nextTurn();
    const all = [...this.records.keys()].map((executionId) => ({ executionId }));
    const { page, nextToken: next } = pageOf(BY_ID, all, pageSize, nextToken);
    const executionIds = page.map((entry) => entry.executionId);
    return next === undefined ? { executionIds } : { executionIds, nextToken: next };
  }
}
