/** Executions by when they started, for the digest writer's schedule: ended ones whose last seal may have failed. */
export interface RecentExecutions {
  /** Ids of every execution started at or after `since` (ISO 8601), oldest first. */
  startedSince(since: string): Promise<string[]>;
}
