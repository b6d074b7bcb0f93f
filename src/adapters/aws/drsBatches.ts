/** How the DRS adapter spreads work: lists split to what one call takes, per-server calls a few at a time. */

export const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

/**
 * `work` for each item, at most `concurrency` at once, results in the items' order. A plan of 4,000 servers
 * must not burst 4,000 calls at DRS's rate limit; the first failure rejects (calls in flight finish unread).
 */
export const mapWithConcurrency = async <T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
};

/** Every page of a paginated DRS read, in order. */
export const allPages = async <P extends { nextToken?: string | undefined }>(
  read: (nextToken: string | undefined) => Promise<P>,
): Promise<P[]> => {
  const pages: P[] = [];
  let nextToken: string | undefined;
  do {
    const page = await read(nextToken);
    pages.push(page);
    nextToken = page.nextToken || undefined;
  } while (nextToken);
  return pages;
};
