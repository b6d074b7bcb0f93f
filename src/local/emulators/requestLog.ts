/**
 * The requests an emulator served, for tests and the control API: kept in order, handed out as copies, and
 * served (and cleared) under `/__emulator/requests` by the routes it gives.
 */
export class RequestLog<T> {
  private entries: T[] = [];

  add(entry: T): void {
    this.entries.push(entry);
  }

  /** A copy, oldest first. */
  all(): T[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }

  /** The control routes: `GET requests` and `POST requests/reset`. */
  routes(): Record<string, () => { requests: T[] }> {
    return {
      'GET requests': () => ({ requests: this.all() }),
      'POST requests/reset': () => {
        this.clear();
        return { requests: this.all() };
      },
    };
  }
}
