import type { DrsContext, Json, OperationResult } from '../context';
import { paginate } from '../pagination';
import type { JobRecord } from '../records';
import { ISO8601_DATE_TIME, JOB_ID, optionalArray, optionalObject, optionalPositiveInt, optionalString, stringList } from '../validation';
import { jobOnWire } from '../views';

const sortKey = (job: JobRecord): string => `${String(job.createdAtMs).padStart(16, '0')}|${job.jobID}`;

/** POST /DescribeJobs -> 200 { items, nextToken? }: newest first, filtered by jobIDs and creation date. */
export const describeJobs = (context: DrsContext, body: Json): OperationResult => {
  const filters = optionalObject(body, 'filters') ?? {};
  const jobIDs = stringList(optionalArray(filters, 'jobIDs', 0, 1000, 'filters.jobIDs'), 'filters.jobIDs', JOB_ID);
  const fromDate = optionalString(filters, 'fromDate', ISO8601_DATE_TIME, 'filters.fromDate');
  const toDate = optionalString(filters, 'toDate', ISO8601_DATE_TIME, 'filters.toDate');
  const maxResults = optionalPositiveInt(body, 'maxResults');
  const nextToken = optionalString(body, 'nextToken');

  const wanted = jobIDs && jobIDs.length > 0 ? new Set(jobIDs) : undefined;
  const from = fromDate ? Date.parse(fromDate) : undefined;
  const to = toDate ? Date.parse(toDate) : undefined;
  const matching = context.store.jobs
    .filter(
      (job) =>
        (!wanted || wanted.has(job.jobID)) &&
        (from === undefined || job.createdAtMs >= from) &&
        (to === undefined || job.createdAtMs <= to),
    )
    .sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
  const page = paginate(matching, sortKey, 'desc', {
    operation: 'DescribeJobs',
    maxResults,
    nextToken,
    defaultPageSize: context.defaultPageSize,
  });
  const now = context.now();
  return {
    status: 200,
    body: { items: page.items.map((job) => jobOnWire(job, now)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) },
  };
};
