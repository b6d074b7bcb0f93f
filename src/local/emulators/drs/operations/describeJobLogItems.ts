import type { DrsContext, Json, OperationResult } from '../context';
import { paginate } from '../pagination';
import { jobLog } from '../timeline';
import { JOB_ID, optionalPositiveInt, optionalString, requiredString } from '../validation';

/** POST /DescribeJobLogItems -> 200 { items, nextToken? }: the job's trail so far, oldest first. */
export const describeJobLogItems = (context: DrsContext, body: Json): OperationResult => {
  const jobID = requiredString(body, 'jobID', JOB_ID);
  const maxResults = optionalPositiveInt(body, 'maxResults');
  const nextToken = optionalString(body, 'nextToken');
  const job = context.store.findJob(jobID);
  // DRS models no ResourceNotFoundException here; an unknown job has no log.
  const entries = job ? jobLog(job, context.now()).map((item, index) => ({ item, key: String(index).padStart(8, '0') })) : [];
  const page = paginate(entries, (entry) => entry.key, 'asc', {
    operation: 'DescribeJobLogItems',
    maxResults,
    nextToken,
    defaultPageSize: context.defaultPageSize,
  });
  return {
    status: 200,
    body: { items: page.items.map((entry) => entry.item), ...(page.nextToken ? { nextToken: page.nextToken } : {}) },
  };
};
