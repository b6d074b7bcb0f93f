import type { Notification, Notifier } from '../../../src/ports/notifier';

/** A notification channel in memory: every message published is kept; the next publish can be made to fail. */
export class FakeNotifier implements Notifier {
  readonly published: Array<Notification & { messageId: string }> = [];
  private readonly failures: Error[] = [];

  async publish(notification: Notification): Promise<string> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const messageId = `msg-${this.published.length + 1}`;
    this.published.push({ ...structuredClone(notification), messageId });
    return messageId;
  }

  failNextPublish(error: Error): void {
    this.failures.push(error);
  }
}
