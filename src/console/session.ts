import { stored } from './browser';
import { chosenUser } from './view/users';
import type { ConsoleUser } from './wire';

const STORAGE_KEY = 'drs-ledger.console.user';

/** Who the console acts as: one of the stack's local users, or nobody (direct invocation, unverified). */
export class Session {
  private current: ConsoleUser | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(readonly users: readonly ConsoleUser[]) {
    this.current = chosenUser(users, stored.get(STORAGE_KEY));
  }

  get user(): ConsoleUser | undefined {
    return this.current;
  }

  choose(name: string): void {
    const user = this.users.find((candidate) => candidate.name === name);
    if (user === this.current) return;
    this.current = user;
    if (user) stored.set(STORAGE_KEY, user.name);
    for (const listener of this.listeners) listener();
  }

  /** Calls back whenever the user changes; returns the way to stop. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The `as` of an action's body: the user's name, or nothing for a direct invocation. */
  asField(): { as?: string } {
    return this.current ? { as: this.current.name } : {};
  }
}
