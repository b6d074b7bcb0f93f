import type { AwsQueryActions } from '../awsQuery';
import type { SnsContext } from './context';
import { publish } from './publish';

/** The SNS actions the emulator serves, by the name that comes as Action=. */
export const SNS_ACTIONS: AwsQueryActions<SnsContext> = {
  Publish: publish,
  /** CreateTopic -> { TopicArn } (idempotent). */
  CreateTopic: ({ topics }, call) => ({ TopicArn: topics.create(call.params.get('Name') ?? '') }),
};
