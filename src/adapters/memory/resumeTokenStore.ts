import type { ResumeTokenStore } from '../../ports/resumeTokens';
import { nextTurn } from './copy';

/**
 * Task tokens waiting for a resume, one per execution, with the DynamoDB store's semantics: `put` replaces,
 * `remove` deletes only the token given. Like DynamoDB's TTL, which sweeps lazily, an expired token is still
 * answered until it is removed.
 */
export class InMemoryResumeTokenStore implements ResumeTokenStore {
  private readonly tokens = new Map<string, { taskToken: string; expiresAt: string }>();

  async put(executionId: string, taskToken: string, expiresAt: string): Promise<void> {
    await nextTurn();
    this.tokens.set(executionId, { taskToken, expiresAt });
  }

  async get(executionId: string): Promise<string | undefined> {
    await nextTurn();
    return this.tokens.get(executionId)?.taskToken;
  }

  async remove(executionId: string, taskToken: string): Promise<void> {
    await nextTurn();
    if (this.tokens.get(executionId)?.taskToken === taskToken) this.tokens.delete(executionId);
  }
}
