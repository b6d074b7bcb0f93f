import type { Scheduler } from './scheduler';

/**
 * One value passed from one actor to another through the scheduler: the receiver goes on in a step of its own,
 * never inside the sender's, so no actor ever runs another's code.
 */
export class Mailbox<T> {
  private value: { v: T } | undefined;
  private waiter: ((value: T) => void) | undefined;

  constructor(private readonly scheduler: Scheduler) {}

  /** The running actor waits for the value. */
  receive(): Promise<T> {
    return new Promise<T>((resolve) => {
      const actor = this.scheduler.running();
      if (this.value) {
        const { v } = this.value;
        this.scheduler.wake(actor, 0, 'receive', () => resolve(v));
      } else this.waiter = (value) => this.scheduler.wake(actor, 0, 'receive', () => resolve(value));
    });
  }

  /** Delivers once; later deliveries are dropped (a crash's timeout after a real answer, say). */
  deliver(value: T): void {
    if (this.value) return;
    this.value = { v: value };
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(value);
  }

  get delivered(): boolean {
    return this.value !== undefined;
  }
}
