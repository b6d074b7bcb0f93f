import { onFirstCall } from './onFirstCall';

/** operator-api's Lambda entry (serverless.yml): ../operatorApi.ts, loaded on the first call. */
export const handler = onFirstCall(() => import('../operatorApi'));
