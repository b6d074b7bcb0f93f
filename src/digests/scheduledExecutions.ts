import type { ExecutionViewStore } from '../ports/executionViewStore';
import type { RecentExecutions } from '../ports/recentExecutions';

const HOUR_MS = 60 * 60 * 1000;
const RUNNING_PAGE = 100;

export interface ScheduleSources {
  views: Pick<ExecutionViewStore, 'listRunning'>;
  recent: RecentExecutions;
  lookbackHours: number;
  now: () => string;
}

const runningExecutions = async (views: ScheduleSources['views']): Promise<string[]> => {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await views.listRunning(RUNNING_PAGE, nextToken);
    ids.push(...page.executions.map((execution) => execution.executionId));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return ids;
};

/**
 * What a schedule looks at: every running execution, and every one started in the last `lookbackHours`, running or
 * not, so that an end whose seal failed (the writer was down) is sealed by the next schedule.
 */
export const scheduledExecutions = async (sources: ScheduleSources): Promise<string[]> => [
  ...(await runningExecutions(sources.views)),
  ...(await sources.recent.startedSince(new Date(Date.parse(sources.now()) - sources.lookbackHours * HOUR_MS).toISOString())),
];
