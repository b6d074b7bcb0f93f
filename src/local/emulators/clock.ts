/** Milliseconds since the epoch. Emulators read time only through this, so tests can control it. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** A clock that moves only when told to. */
export interface ManualClock {
  now: Clock;
  advance(ms: number): void;
  set(ms: number): void;
}

export const manualClock = (startMs: number = Date.UTC(2025, 0, 1)): ManualClock => {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
};
