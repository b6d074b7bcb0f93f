export const EXIT = { ok: 0, executionFailed: 1, usage: 2 } as const;

/** Bad usage or input: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
