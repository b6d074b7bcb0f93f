import { onFirstCall } from './onFirstCall';

/** execution-handler's Lambda entry (serverless.yml): ../executionHandler.ts, loaded on the first call. */
export const handler = onFirstCall(() => import('../executionHandler'));
