import type { ExecutionRow, ExecutionsAnswer } from '../wire';

/**
 * The executions list as the page reads it. The server examines a bounded number of executions per request (a
 * status filter reads each one's view): a page of answers that holds no row but a token means "none among those
 * examined", never "none". The page follows tokens a few times, and says when it stopped with more left.
 */

/** One request of the listing: the page of rows after `nextToken` (from the newest when undefined), at most `limit`. */
export type ListingFetch = (limit: number, nextToken: string | undefined) => Promise<ExecutionsAnswer>;

export interface Listing {
  rows: ExecutionRow[];
  /** The listing stopped with executions left that it did not look at (a token came back). */
  more: boolean;
  /** Requests it took. */
  requests: number;
}

/** Reads until `wanted` rows, the oldest execution, or `maxRequests` requests, whichever comes first. */
export const readListing = async (fetchPage: ListingFetch, wanted: number, maxRequests: number): Promise<Listing> => {
  const rows: ExecutionRow[] = [];
  let token: string | undefined;
  let requests = 0;
  do {
    const answer = await fetchPage(wanted - rows.length, token);
    requests += 1;
    rows.push(...answer.executions.slice(0, wanted - rows.length));
    token = answer.nextToken;
  } while (token !== undefined && rows.length < wanted && requests < maxRequests);
  return { rows, more: token !== undefined, requests };
};

/** What the summary line says of a listing, `status` being the filter ('' for any). */
export const listingSummary = (listing: Pick<Listing, 'rows' | 'more'>, status: string): string => {
  const count = listing.rows.length;
  const kind = status === '' ? 'execution' : `${status} execution`;
  if (count === 0) {
    if (listing.more) return `No ${kind} among the most recent executions; older ones were not looked at yet.`;
    return status === '' ? 'No execution yet: start a drill from a plan.' : `No ${kind}.`;
  }
  return `${count} ${kind}${count === 1 ? '' : 's'}, newest first${listing.more ? '; older ones are not shown yet' : ''}.`;
};
