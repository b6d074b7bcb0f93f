export interface Notification {
  subject: string;
  message: string;
  attributes: Record<string, string>;
}

export interface Notifier {
  /** Returns the message id. */
  publish(notification: Notification): Promise<string>;
}
