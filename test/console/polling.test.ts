import { Poller, type PollTask, type Timers, type Visibility } from '../../src/console/polling';

/** Timers that fire only when told to, and a page that is shown or hidden when told to. */
class World implements Timers, Visibility {
  private next = 1;
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  private isHidden = false;
  private readonly listeners = new Set<() => void>();

  setTimeout(callback: () => void, ms: number): number {
    const handle = this.next++;
    this.pending.set(handle, { callback, ms });
    return handle;
  }

  clearTimeout(handle: number): void {
    this.pending.delete(handle);
  }

  hidden(): boolean {
    return this.isHidden;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The waits scheduled now, in ms. */
  waits(): number[] {
    return [...this.pending.values()].map((timer) => timer.ms);
  }

  fire(): void {
    const timers = [...this.pending.entries()];
    this.pending.clear();
    for (const [, timer] of timers) timer.callback();
  }

  setHidden(hidden: boolean): void {
    this.isHidden = hidden;
    for (const listener of this.listeners) listener();
  }
}

/** A task whose runs finish only when the test lets them. */
const task = (intervalMs = 2000) => {
  const finishers: Array<() => void> = [];
  const run: PollTask = {
    interval: () => intervalMs,
    run: () => new Promise<void>((resolve) => finishers.push(resolve)),
  };
  return {
    run,
    started: () => finishers.length,
    finish: async () => {
      finishers.at(-1)?.();
      // Lets the poller's then/finally run.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
};

describe('polling the console API', () => {
  it('runs at once, then again the interval after each run finished', async () => {
    const world = new World();
    const work = task(2000);
    new Poller(work.run, world, world);
    expect(work.started()).toBe(1);
    expect(world.waits()).toEqual([]);
    await work.finish();
    expect(world.waits()).toEqual([2000]);
    world.fire();
    expect(work.started()).toBe(2);
  });

  it('never runs twice at once, however slow the server', async () => {
    const world = new World();
    const work = task();
    const poller = new Poller(work.run, world, world);
    poller.now();
    world.setHidden(false);
    expect(work.started()).toBe(1);
    await work.finish();
    // The now() asked during the run is honoured once it finished, instead of a wait.
    expect(work.started()).toBe(2);
    expect(world.waits()).toEqual([]);
  });

  it('makes no request while the page is hidden, and one at once when it is shown again', async () => {
    const world = new World();
    const work = task();
    new Poller(work.run, world, world);
    await work.finish();
    world.setHidden(true);
    expect(world.waits()).toEqual([]);
    world.fire();
    expect(work.started()).toBe(1);
    world.setHidden(false);
    expect(work.started()).toBe(2);
  });

  it('does not start in a hidden page, nor schedule after a run that ends once the page is hidden', async () => {
    const world = new World();
    world.setHidden(true);
    const work = task();
    new Poller(work.run, world, world);
    expect(work.started()).toBe(0);
    world.setHidden(false);
    expect(work.started()).toBe(1);
    world.setHidden(true);
    await work.finish();
    expect(world.waits()).toEqual([]);
  });

  it('goes on after a failed run, so that the page recovers when the server does', async () => {
    const world = new World();
    let runs = 0;
    new Poller({ interval: () => 5000, run: () => Promise.reject(new Error(`refused ${(runs += 1)}`)) }, world, world);
    await new Promise((resolve) => setImmediate(resolve));
    expect(world.waits()).toEqual([5000]);
    world.fire();
    expect(runs).toBe(2);
  });

  it('stops for good: no timer left, and showing the page again starts nothing', async () => {
    const world = new World();
    const work = task();
    const poller = new Poller(work.run, world, world);
    await work.finish();
    poller.stop();
    expect(world.waits()).toEqual([]);
    world.setHidden(true);
    world.setHidden(false);
    poller.now();
    expect(work.started()).toBe(1);
  });

  it('reads the interval after each run, so that an ended execution is polled less often', async () => {
    const world = new World();
    let interval = 2000;
    const finishers: Array<() => void> = [];
    new Poller({ interval: () => interval, run: () => new Promise<void>((resolve) => finishers.push(resolve)) }, world, world);
    interval = 10_000;
    finishers[0]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(world.waits()).toEqual([10_000]);
  });
});
