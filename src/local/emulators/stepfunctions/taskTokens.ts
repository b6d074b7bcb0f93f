import { randomBytes } from 'node:crypto';
import { SfnError } from './errors';
import { TaskError } from './taskError';

interface PendingTask {
  executionArn: string;
  resolve(output: unknown): void;
  reject(error: TaskError): void;
  heartbeatMs?: number;
  heartbeatTimer?: NodeJS.Timeout;
  timeoutTimer?: NodeJS.Timeout;
}

export interface MintedToken {
  token: string;
  /** Settles with SendTaskSuccess's output, or rejects with SendTaskFailure's error, a heartbeat timeout or a stop. */
  result: Promise<unknown>;
}

/**
 * Task tokens of .waitForTaskToken tasks. A token is opaque (128 random base64url characters) and a credential:
 * nothing here logs it. Once its task has ended (answered, timed out, stopped), the token answers TaskTimedOut.
 */
export class TaskTokens {
  private readonly pending = new Map<string, PendingTask>();
  private readonly closed = new Set<string>();

  mint(executionArn: string, heartbeatMs?: number): MintedToken {
    const token = randomBytes(96).toString('base64url');
    let task!: PendingTask;
    const result = new Promise<unknown>((resolve, reject) => {
      task = { executionArn, resolve, reject, ...(heartbeatMs !== undefined ? { heartbeatMs } : {}) };
    });
    // Rejections are awaited later by the task handler; until then they must not count as unhandled.
    result.catch(() => undefined);
    this.pending.set(token, task);
    this.armHeartbeat(token, task);
    return { token, result };
  }

  /** Closes the token when the engine's own task timeout fires (the engine raises States.Timeout itself). */
  expireAfter(token: string, ms: number): void {
    const task = this.pending.get(token);
    if (!task) return;
    task.timeoutTimer = setTimeout(() => this.settle(token, (t) => t.reject(new TaskError('States.Timeout', ''))), ms);
  }

  succeed(token: string, output: unknown): void {
    this.settle(this.live(token), (task) => task.resolve(output));
  }

  fail(token: string, error: string, cause: string): void {
    this.settle(this.live(token), (task) => task.reject(new TaskError(error, cause)));
  }

  heartbeat(token: string): void {
    const task = this.pending.get(this.live(token)) as PendingTask;
    clearTimeout(task.heartbeatTimer);
    this.armHeartbeat(token, task);
  }

  /** Ends the task of a token without an answer (its invocation failed). */
  discard(token: string): void {
    this.settle(token, () => undefined);
  }

  /** Fails every waiting task of an execution (stopped, or ended): their tokens answer TaskTimedOut from now on. */
  closeExecution(executionArn: string, reason: string): void {
    for (const [token, task] of this.pending) {
      if (task.executionArn === executionArn) this.settle(token, (t) => t.reject(new TaskError('States.Runtime', reason, false)));
    }
  }

  closeAll(reason: string): void {
    for (const token of [...this.pending.keys()]) this.settle(token, (t) => t.reject(new TaskError('States.Runtime', reason, false)));
  }

  waiting(executionArn?: string): number {
    return [...this.pending.values()].filter((task) => !executionArn || task.executionArn === executionArn).length;
  }

  private live(token: string): string {
    if (this.pending.has(token)) return token;
    if (this.closed.has(token)) throw new SfnError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    throw new SfnError('InvalidToken', 'Invalid Token');
  }

  private settle(token: string, finish: (task: PendingTask) => void): void {
    const task = this.pending.get(token);
    if (!task) return;
    this.pending.delete(token);
    this.closed.add(token);
    clearTimeout(task.heartbeatTimer);
    clearTimeout(task.timeoutTimer);
    finish(task);
  }

  private armHeartbeat(token: string, task: PendingTask): void {
    if (task.heartbeatMs === undefined) return;
    task.heartbeatTimer = setTimeout(
      () => this.settle(token, (t) => t.reject(new TaskError('States.HeartbeatTimeout', ''))),
      task.heartbeatMs,
    );
  }
}
