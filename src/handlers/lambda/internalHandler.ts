import { onFirstCall } from './onFirstCall';

/** execution-internal's Lambda entry (serverless.yml): ../internalHandler.ts, loaded on the first call. */
export const handler = onFirstCall(() => import('../internalHandler'));
