import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AppConfig, clientOptions } from '../../config';
import type { Notification, Notifier } from '../../ports/notifier';

export class SnsNotifier implements Notifier {
  private readonly client: SNSClient;

  constructor(
    config: AppConfig,
    private readonly topicArn: string,
  ) {
    this.client = new SNSClient({ ...clientOptions(config, config.endpoints.sns), maxAttempts: 3 });
  }

  async publish(notification: Notification): Promise<string> {
    const output = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS subjects are at most 100 characters.
        Subject: notification.subject.slice(0, 100),
        Message: notification.message,
        MessageAttributes: Object.fromEntries(
          Object.entries(notification.attributes).map(([key, value]) => [key, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );
    if (!output.MessageId) throw new Error('SNS Publish returned no MessageId');
    return output.MessageId;
  }
}
