import type { Timers, Visibility } from './polling';

/** The browser's timers, as the poller takes them. */
export const browserTimers: Timers = {
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => window.clearTimeout(handle),
};

/** document.visibilityState: a background tab, a minimised window or a locked screen is hidden. */
export const documentVisibility: Visibility = {
  hidden: () => document.visibilityState === 'hidden',
  onChange: (listener) => {
    document.addEventListener('visibilitychange', listener);
    return () => document.removeEventListener('visibilitychange', listener);
  },
};

/** localStorage, when the browser lets the page have it (a private window may not). */
export const stored = {
  get: (key: string): string | null => {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set: (key: string, value: string): void => {
    try {
      window.localStorage.setItem(key, value);
    } catch {
      // Not kept: the choice lasts as long as the page.
    }
  },
};
