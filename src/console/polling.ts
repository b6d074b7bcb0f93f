/**
 * Polling that costs nothing while nobody looks: a task runs, then again `interval()` after it finished (never
 * two at once, however slow the server), and not at all while the page is hidden; shown again, it runs at once
 * and goes on. Timers and visibility are passed in, so that the rule is the same in the browser and in a test.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(handle: number): void;
}

export interface Visibility {
  hidden(): boolean;
  /** Calls back on every change; returns the way to stop. */
  onChange(listener: () => void): () => void;
}

export interface PollTask {
  run(): Promise<void>;
  /** The wait after a run, read after each one (an execution that ended is polled less often). */
  interval(): number;
}

export class Poller {
  private timer: number | undefined;
  private running = false;
  private stopped = false;
  /** now() was asked while a run was under way: its answer may predate what now() was asked for. */
  private again = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly task: PollTask,
    private readonly timers: Timers,
    private readonly visibility: Visibility,
  ) {
    this.unsubscribe = visibility.onChange(() => this.visibilityChanged());
    this.tick();
  }

  /** Runs the task now (after an action, say) unless it is already running; the next run counts from this one. */
  now(): void {
    if (this.running) this.again = true;
    else this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    this.cancelTimer();
  }

  private visibilityChanged(): void {
    if (this.stopped) return;
    if (this.visibility.hidden()) this.cancelTimer();
    else if (!this.running && this.timer === undefined) this.tick();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.stopped || this.running || this.visibility.hidden()) return;
    this.cancelTimer();
    this.running = true;
    void this.task
      .run()
      // A failed run is the task's to report; polling goes on, so that the page recovers when the server does.
      .catch(() => undefined)
      .finally(() => {
        this.running = false;
        if (this.stopped || this.visibility.hidden()) return;
        if (this.again) {
          this.again = false;
          this.tick();
          return;
        }
        this.timer = this.timers.setTimeout(() => {
          this.timer = undefined;
          this.tick();
        }, this.task.interval());
      });
  }
}
