import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { type AppConfig, clientOptions } from '../../config';
import { fitSnsMessage, fitSnsSubject } from '../../domain/notification';
import type { Notification, Notifier } from '../../ports/notifier';

export class SnsNotifier implements Notifier {
  private readonly client: SNSClient;

  constructor(
    config: AppConfig,
    private readonly topicArn: string,
  ) {
    this.client = new SNSClient({ ...clientOptions(config, config.endpoints.sns), maxAttempts: 3 });
  }

  /**
   * Whatever the caller built, what goes on the wire is what SNS accepts: a Subject SNS would refuse
   * (100 characters or more, a line break) fails the whole Publish, and the notification with it.
   */
  async publish(notification: Notification): Promise<string> {
    const subject = fitSnsSubject(notification.subject);
    const output = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS refuses an empty Subject but not a missing one.
        ...(subject ? { Subject: subject } : {}),
        Message: fitSnsMessage(notification.message, notification.attributes),
        MessageAttributes: Object.fromEntries(
          Object.entries(notification.attributes).map(([key, value]) => [key, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );
    if (!output.MessageId) throw new Error('SNS Publish returned no MessageId');
    return output.MessageId;
  }
}
