import type { ExecutionView } from '../../projections/executionView';
import { isProjectionError, replayView } from '../../projections/projectExecutionView';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import type { ExecutionViewStore } from '../ports/executionViewStore';
import { diffPaths } from './diffPaths';
import { listExecutionsFrom } from './executionListing';

export interface DriftDeps {
  ledger: Pick<ExecutionEventStore, 'read' | 'listExecutions' | 'head'>;
  views: Pick<ExecutionViewStore, 'read' | 'listAll'>;
}

/**
 * missing: no stored view; behind / ahead: the stored view's seq is below / above the ledger's head;
 * different: same seq, other content; torn: the view's stored parts disagree (a writer stopped between
 * them; readers fold the ledger instead, the next write or a rebuild repairs it); orphan: a view with no
 * ledger; unreplayable: the ledger cannot be folded.
 */
export type DriftKind = 'missing' | 'behind' | 'ahead' | 'different' | 'torn' | 'orphan' | 'unreplayable';

export interface Drift {
  executionId: string;
  kind: DriftKind;
  storedSeq?: number;
  ledgerSeq?: number;
  /** Paths where the stored view differs from the replay ("status", "waveStatuses[1].endTime"). */
  fields: string[];
  detail?: string;
}

export interface DriftOptions {
  executionId?: string;
  pageSize?: number;
  /** Also list views whose execution the ledger does not have (default true when checking everything). */
  includeOrphans?: boolean;
}

export interface DriftReport {
  checked: number;
  drifted: Drift[];
}

/** How the stored view of one execution differs from the ledger's replay, if it does. */
export const driftOf = async (deps: DriftDeps, executionId: string): Promise<Drift | undefined> => {
  const [read, events] = await Promise.all([deps.views.read(executionId), deps.ledger.read(executionId)]);
  const stored = read?.view;
  let replayed: ExecutionView | undefined;
  try {
    replayed = replayView(events.map((stored) => stored.event));
  } catch (error) {
    if (!isProjectionError(error)) throw error;
    return { executionId, kind: 'unreplayable', fields: [], detail: error.message, ...(read ? { storedSeq: read.seq } : {}) };
  }
  if (!replayed) return read ? { executionId, kind: 'orphan', storedSeq: read.seq, fields: [] } : undefined;
  const ledgerSeq = replayed.seq;
  if (!read) return { executionId, kind: 'missing', ledgerSeq, fields: [] };
  if (!stored) return { executionId, kind: 'torn', storedSeq: read.seq, ledgerSeq, fields: [] };
  const fields = diffPaths(stored, replayed);
  if (fields.length === 0) return undefined;
  const kind: DriftKind = stored.seq < ledgerSeq ? 'behind' : stored.seq > ledgerSeq ? 'ahead' : 'different';
  return { executionId, kind, storedSeq: stored.seq, ledgerSeq, fields };
};

/**
 * Lists the executions whose stored view is not the replay of their ledger: one execution, or every
 * execution the ledger lists plus (by default) views that have no ledger at all. Reads only.
 */
export const checkDrift = async (deps: DriftDeps, options: DriftOptions = {}): Promise<DriftReport> => {
  const drifted: Drift[] = [];
  let checked = 0;
  const check = async (executionId: string) => {
    checked += 1;
    const drift = await driftOf(deps, executionId);
    if (drift) drifted.push(drift);
  };
  if (options.executionId !== undefined) {
    await check(options.executionId);
    return { checked, drifted };
  }
  const pageSize = options.pageSize ?? 100;
  for await (const listed of listExecutionsFrom(deps.ledger, pageSize)) await check(listed.executionId);
  if (options.includeOrphans ?? true) {
    let nextToken: string | undefined;
    do {
      const page = await deps.views.listAll(pageSize, nextToken);
      for (const executionId of page.executionIds) {
        if ((await deps.ledger.head(executionId)) !== undefined) continue;
        checked += 1;
        const stored = await deps.views.read(executionId);
        drifted.push({ executionId, kind: 'orphan', fields: [], ...(stored ? { storedSeq: stored.seq } : {}) });
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  }
  return { checked, drifted };
};
