/**
 * The executions list filtered by status: the server examines a bounded number of executions per request, so an
 * answer with no row and a token means "none among those", never "none". The page follows the token a bounded
 * number of times, and its summary never says "none" while a token is left.
 */
import { listingSummary, readListing } from '../../src/console/view/executionListing';
import type { ExecutionRow, ExecutionsAnswer } from '../../src/console/wire';

const row = (executionId: string): ExecutionRow => ({
  executionId,
  planId: 'rp-a',
  executionType: 'DRILL',
  status: 'RUNNING',
  startTime: '2026-12-01T10:00:00.000Z',
  currentWave: 1,
  totalWaves: 3,
  initiatedBy: 'alice',
});

/** Answers in turn, recording what each request asked. */
const server = (...answers: ExecutionsAnswer[]) => {
  const asked: Array<{ limit: number; nextToken: string | undefined }> = [];
  return {
    asked,
    fetchPage: (limit: number, nextToken: string | undefined): Promise<ExecutionsAnswer> => {
      asked.push({ limit, nextToken });
      const answer = answers[asked.length - 1];
      return answer ? Promise.resolve(answer) : Promise.reject(new Error('asked once too often'));
    },
  };
};

describe('the executions listing', () => {
  it('follows the token past answers that hold no row, to the RUNNING execution older ones hide', async () => {
    const { asked, fetchPage } = server(
      { executions: [], nextToken: 't1' },
      { executions: [], nextToken: 't2' },
      { executions: [row('exec-old')] },
    );
    const listing = await readListing(fetchPage, 50, 3);
    expect(listing).toEqual({ rows: [row('exec-old')], more: false, requests: 3 });
    expect(asked.map((request) => request.nextToken)).toEqual([undefined, 't1', 't2']);
    expect(listingSummary(listing, 'RUNNING')).toBe('1 RUNNING execution, newest first.');
  });

  it('stops after the requests it may take, and then says none among the most recent, never none', async () => {
    const { asked, fetchPage } = server(
      { executions: [], nextToken: 't1' },
      { executions: [], nextToken: 't2' },
      { executions: [], nextToken: 't3' },
    );
    const listing = await readListing(fetchPage, 50, 3);
    expect(listing).toEqual({ rows: [], more: true, requests: 3 });
    expect(asked).toHaveLength(3);
    const summary = listingSummary(listing, 'RUNNING');
    expect(summary).not.toBe('No RUNNING execution.');
    expect(summary).toBe('No RUNNING execution among the most recent executions; older ones were not looked at yet.');
  });

  it('asks each further request only for the rows still wanted, and stops once it has them', async () => {
    const { asked, fetchPage } = server({ executions: [row('a'), row('b')], nextToken: 't1' }, { executions: [row('c')], nextToken: 't2' });
    const listing = await readListing(fetchPage, 3, 5);
    expect(listing).toEqual({ rows: [row('a'), row('b'), row('c')], more: true, requests: 2 });
    expect(asked).toEqual([
      { limit: 3, nextToken: undefined },
      { limit: 1, nextToken: 't1' },
    ]);
    expect(listingSummary(listing, '')).toBe('3 executions, newest first; older ones are not shown yet.');
  });

  it('says none only when the listing reached the oldest execution', async () => {
    const listing = await readListing(server({ executions: [] }).fetchPage, 50, 3);
    expect(listing).toEqual({ rows: [], more: false, requests: 1 });
    expect(listingSummary(listing, 'PAUSED')).toBe('No PAUSED execution.');
    expect(listingSummary(listing, '')).toBe('No execution yet: start a drill from a plan.');
  });
});
