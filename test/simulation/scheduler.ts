import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as afterMicrotasks } from 'node:timers';
import type { SimRandom } from './random';

/** One thing that runs in the simulation: an invocation, an operator, a schedule, the stream poller. */
export interface Actor {
  readonly id: number;
  readonly name: string;
  /** Its clock's offset from simulated time, in ms (an invocation's skew; 0 for the world's own actors). */
  readonly skewMs: number;
  /** Whether a fault may stop it between two requests (the world's own actors never crash). */
  readonly crashable: boolean;
  crashed: boolean;
  done: boolean;
}

interface Entry {
  at: number;
  /** Ties at one ms go in an order the seed picks. */
  rank: number;
  order: number;
  actor: Actor;
  label: string;
  go: () => void;
}

export interface SchedulerHooks {
  /** A fault stopped this actor before `label`: nothing it had not done yet happens. */
  crashed(actor: Actor, label: string): void;
  /** The actor's body threw: the simulator's own actors never should, and the handler answers instead of throwing. */
  failed(actor: Actor, error: unknown): void;
  /** After each step, with nothing running: where invariants are checked. */
  stepped(step: number): void;
}

/**
 * One for every run in the process: each AsyncLocalStorage adds to the cost of every promise for as long as it
 * lives, so one per scheduler would slow each run more than the last.
 */
const ACTOR_CONTEXT = new AsyncLocalStorage<Actor>();

/** Everything runs on this one thread; a step resumes one actor and lets it run until it waits again. */
const quiescence = (): Promise<void> => new Promise((resolve) => afterMicrotasks(resolve));

/**
 * Simulated time and the one order things happen in. Every request an actor makes to a port waits at a gate
 * (`gate`), every wait is a timer (`sleep`), and only the scheduler lets them go: it takes the earliest
 * (ties broken by the seed), moves the clock there, may crash the actor instead (a fault between two requests),
 * and runs the actor until it waits again. Nothing else moves: the same seed gives the same run.
 */
export class Scheduler {
  nowMs: number;
  current: Actor | undefined;
  steps = 0;
  /** Faults are injected while true; the run then goes on without them until everything settles. */
  faultsOn = true;
  crashProbability = 0;
  private readonly queue: Entry[] = [];
  private order = 0;
  private actors = 0;
  private hooks: SchedulerHooks | undefined;
  /** Which actor's code is running, as Node's async context carries it: checked against `current` at every gate. */
  private readonly context = ACTOR_CONTEXT;
  /** The world's own steps (timeouts): never crash. */
  private readonly world: Actor = { id: 0, name: 'world', skewMs: 0, crashable: false, crashed: false, done: false };

  constructor(
    private readonly random: SimRandom,
    startMs: number,
    private readonly maxLatencyMs = 40,
  ) {
    this.nowMs = startMs;
  }

  setHooks(hooks: SchedulerHooks): void {
    this.hooks = hooks;
  }

  /** The actor whose code is running now; a port reached outside any actor is a bug in the simulator. */
  running(): Actor {
    if (!this.current) throw new Error('A port was called outside a scheduled actor: the simulation is no longer deterministic');
    const own = this.context.getStore();
    // Code of one actor running in another's step (a continuation that escaped the scheduler: a real timer, real I/O)
    // would be charged to the wrong actor and make the run depend on the machine.
    if (own !== undefined && own !== this.current) {
      throw new Error(
        `${own.name} (#${own.id}) ran during the step of ${this.current.name} (#${this.current.id}): the simulation is no longer deterministic`,
      );
    }
    return this.current;
  }

  /** A request on its way: the actor goes on after a simulated latency, unless a fault stops it first. */
  gate(label: string): Promise<void> {
    return this.after(this.random.int(1, this.maxLatencyMs), label);
  }

  /** The running actor waits `ms` of simulated time. */
  sleep(ms: number, label = 'sleep'): Promise<void> {
    return this.after(Math.max(0, ms), label);
  }

  /** Lets `actor` go on with `go` after `delayMs`, in a step of its own (what mailboxes and timers use). */
  wake(actor: Actor, delayMs: number, label: string, go: () => void): void {
    this.push(actor, this.nowMs + delayMs, label, go);
  }

  /** Runs `go` at `atMs` as a step of the world's own (a timeout firing, say). */
  at(atMs: number, label: string, go: () => void): void {
    this.push(this.world, atMs, label, go);
  }

  /** Starts `body` as a new actor at `atMs` (its first step may also be lost to a fault, if crashable). */
  spawn(
    name: string,
    atMs: number,
    body: (actor: Actor) => Promise<unknown>,
    options: { skewMs?: number; crashable?: boolean } = {},
  ): Actor {
    this.actors += 1;
    const actor: Actor = {
      id: this.actors,
      name,
      skewMs: options.skewMs ?? 0,
      crashable: options.crashable ?? false,
      crashed: false,
      done: false,
    };
    this.push(actor, Math.max(atMs, this.nowMs), 'start', () => {
      this.context
        .run(actor, () => body(actor))
        .then(
          () => {
            actor.done = true;
          },
          (error: unknown) => {
            actor.done = true;
            this.hooks?.failed(actor, error);
          },
        );
    });
    return actor;
  }

  /** Runs steps until `settled` says so or simulated time passes `untilMs`; answers whether it settled. */
  async run(settled: () => boolean, untilMs: number): Promise<boolean> {
    for (;;) {
      if (settled()) return true;
      const entry = this.pop();
      if (!entry || entry.at > untilMs) return false;
      if (entry.actor.crashed) continue;
      this.nowMs = Math.max(this.nowMs, entry.at);
      if (this.faultsOn && entry.actor.crashable && this.random.chance(this.crashProbability)) {
        entry.actor.crashed = true;
        this.hooks?.crashed(entry.actor, entry.label);
        continue;
      }
      this.current = entry.actor;
      entry.go();
      await quiescence();
      this.current = undefined;
      this.steps += 1;
      this.hooks?.stepped(this.steps);
    }
  }

  private after(delayMs: number, label: string): Promise<void> {
    const actor = this.running();
    return new Promise<void>((resolve) => this.push(actor, this.nowMs + delayMs, label, resolve));
  }

  private push(actor: Actor, at: number, label: string, go: () => void): void {
    this.order += 1;
    const entry: Entry = { at: Math.round(at), rank: this.random.next(), order: this.order, actor, label, go };
    this.queue.push(entry);
    this.siftUp(this.queue.length - 1);
  }

  private pop(): Entry | undefined {
    const top = this.queue[0];
    const last = this.queue.pop();
    if (top && last && this.queue.length > 0) {
      this.queue[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private before(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && (a.rank < b.rank || (a.rank === b.rank && a.order < b.order)));
  }

  private siftUp(index: number): void {
    const queue = this.queue;
    for (let i = index; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.before(queue[i] as Entry, queue[parent] as Entry)) return;
      [queue[i], queue[parent]] = [queue[parent] as Entry, queue[i] as Entry];
      i = parent;
    }
  }

  private siftDown(index: number): void {
    const queue = this.queue;
    for (let i = index; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < queue.length && this.before(queue[left] as Entry, queue[smallest] as Entry)) smallest = left;
      if (right < queue.length && this.before(queue[right] as Entry, queue[smallest] as Entry)) smallest = right;
      if (smallest === i) return;
      [queue[i], queue[smallest]] = [queue[smallest] as Entry, queue[i] as Entry];
      i = smallest;
    }
  }
}
