import type { FunctionErrorBody } from './runFunction';

export interface AsyncOptions {
  /** Async runs at once; more wait in the queue. Default 16. */
  maxConcurrency?: number;
  /** Pause before each retry. Lambda waits minutes; locally default 50 ms. */
  retryDelayMs?: number;
  /** Retries after a function error (Lambda: 2). */
  maxRetries?: number;
}

/** One queued event. run() answers the function error of that attempt, or undefined on success. */
export interface AsyncJob {
  functionName: string;
  requestId: string;
  event: unknown;
  run(): Promise<FunctionErrorBody | undefined>;
}

export interface DeadLetter {
  functionName: string;
  requestId: string;
  event: unknown;
  error: FunctionErrorBody;
  attempts: number;
  at: string;
}

export interface AsyncHooks {
  onRetry(job: AsyncJob): void;
  onDeadLetter(letter: DeadLetter): void;
}

type Entry = { job: AsyncJob; attempts: number };

/** Lambda's event queue: bounded concurrency, two retries on function error, then the dead-letter list. */
export class AsyncInvocations {
  readonly deadLetters: DeadLetter[] = [];
  private readonly maxConcurrency: number;
  private readonly retryDelayMs: number;
  private readonly maxRetries: number;
  private readonly queue: Entry[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    options: AsyncOptions,
    private readonly hooks: AsyncHooks,
  ) {
    this.maxConcurrency = options.maxConcurrency ?? 16;
    this.retryDelayMs = options.retryDelayMs ?? 50;
    this.maxRetries = options.maxRetries ?? 2;
  }

  enqueue(job: AsyncJob): void {
    if (this.closed) return;
    this.queue.push({ job, attempts: 0 });
    this.pump();
  }

  /** Resolves once nothing is queued, running or waiting to retry. */
  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops queued events and pending retries, then waits for the runs in flight. */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.settleIfIdle();
    await this.drain();
  }

  stats(): { queued: number; running: number; retryPending: number } {
    return { queued: this.queue.length, running: this.running, retryPending: this.timers.size };
  }

  private pump(): void {
    while (this.running < this.maxConcurrency && this.queue.length > 0) {
      const entry = this.queue.shift() as Entry;
      this.running += 1;
      void this.runEntry(entry);
    }
  }

  private async runEntry(entry: Entry): Promise<void> {
    entry.attempts += 1;
    try {
      const error = await entry.job
        .run()
        .catch((thrown: unknown): FunctionErrorBody => ({ errorType: 'Emulator.Error', errorMessage: String(thrown) }));
      if (error) this.afterFailure(entry, error);
    } finally {
      this.running -= 1;
      this.pump();
      this.settleIfIdle();
    }
  }

  private afterFailure(entry: Entry, error: FunctionErrorBody): void {
    if (entry.attempts <= this.maxRetries && !this.closed) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.hooks.onRetry(entry.job);
        this.queue.push(entry);
        this.pump();
      }, this.retryDelayMs);
      this.timers.add(timer);
      return;
    }
    const { functionName, requestId, event } = entry.job;
    const letter = { functionName, requestId, event, error, attempts: entry.attempts, at: new Date().toISOString() };
    this.deadLetters.push(letter);
    this.hooks.onDeadLetter(letter);
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.running === 0 && this.timers.size === 0;
  }

  private settleIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
