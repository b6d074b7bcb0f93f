import { onFirstCall } from './onFirstCall';

/** digest-writer's Lambda entry (serverless.yml): ../digestWriter.ts, loaded on the first call. */
export const handler = onFirstCall(() => import('../digestWriter'));
