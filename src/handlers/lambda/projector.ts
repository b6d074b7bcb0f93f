import { onFirstCall } from './onFirstCall';

/** projector's Lambda entry (serverless.yml): ../projector.ts, loaded on the first call. */
export const handler = onFirstCall(() => import('../projector'));
