export interface Notification {
  /** One line for an inbox; a notifier fits it to its channel's rules (SNS: under 100 characters, no control characters). */
  subject: string;
  /** The full text; a notifier bounds it to its channel's size limit. */
  message: string;
  attributes: Record<string, string>;
}

export interface Notifier {
  /** Returns the message id. */
  publish(notification: Notification): Promise<string>;
}
