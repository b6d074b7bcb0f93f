/**
 * Ctrl-C (SIGINT) or SIGTERM while a drill runs: noticed, not obeyed at once, so that the drill can say what it
 * leaves running and close its stack cleanly. Waits made through it end early when the signal comes.
 */
export interface Interruption {
  /** The signal that came, once one has. */
  readonly signal: NodeJS.Signals | undefined;
  /** Waits `ms`, or less when a signal comes meanwhile. */
  sleep(ms: number): Promise<void>;
  /** Stops listening (the process's default behaviour comes back). */
  dispose(): void;
}

export const EXIT_INTERRUPTED = 130;

export const listenForInterruption = (signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): Interruption => {
  let received: NodeJS.Signals | undefined;
  const wakers = new Set<() => void>();
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      // A second one: whatever the drill is stuck on, the user means it. The default behaviour ends the process.
      for (const each of signals) process.off(each, onSignal);
      process.kill(process.pid, signal);
      return;
    }
    received = signal;
    for (const wake of wakers) wake();
  };
  for (const signal of signals) process.on(signal, onSignal);
  return {
    get signal() {
      return received;
    },
    sleep: (ms) =>
      received
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              wakers.delete(done);
              resolve();
            };
            const timer = setTimeout(done, ms);
            wakers.add(done);
          }),
    dispose: () => {
      for (const signal of signals) process.off(signal, onSignal);
      for (const wake of wakers) wake();
    },
  };
};
