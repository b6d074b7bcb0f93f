/**
 * Step Functions task tokens waiting for a resume. A token is a credential: it is kept here, never
 * in the ledger, a log line or a response.
 */
export interface ResumeTokenStore {
  put(executionId: string, taskToken: string, expiresAt: string): Promise<void>;
  get(executionId: string): Promise<string | undefined>;
  /** Removes the token only if it is still the one given. */
  remove(executionId: string, taskToken: string): Promise<void>;
}
