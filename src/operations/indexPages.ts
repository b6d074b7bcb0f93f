import type { RunningPage } from '../ports/executionViewStore';

/** Index pages are read this many executions at a time. */
const PAGE_SIZE = 500;

/** Every execution a paged listing of the views' index holds (all its pages, no Scan). */
export const allIndexPages = async (
  list: (pageSize: number, nextToken?: string) => Promise<RunningPage>,
): Promise<RunningPage['executions']> => {
  const executions: RunningPage['executions'] = [];
  let nextToken: string | undefined;
  do {
    const page = await list(PAGE_SIZE, nextToken);
    executions.push(...page.executions);
    nextToken = page.nextToken;
  } while (nextToken);
  return executions;
};
