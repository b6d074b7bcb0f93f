/** awsQuery requests read back into objects along the model, as the SDKs write them. */
import { awsQueryInput, loadServiceModel } from '../../../../src/local/emulators/models';

describe('awsQueryInput', () => {
  it('reads SNS Publish with a map of message attributes (entry.N.Name / Value.*)', () => {
    const params = new URLSearchParams({
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:t',
      Message: 'hello',
      'MessageAttributes.entry.1.Name': 'status',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'COMPLETED',
      'MessageAttributes.entry.2.Name': 'count',
      'MessageAttributes.entry.2.Value.DataType': 'Number',
      'MessageAttributes.entry.2.Value.StringValue': '3',
    });
    expect(awsQueryInput(loadServiceModel('sns'), 'PublishInput', params)).toEqual({
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:t',
      Message: 'hello',
      MessageAttributes: {
        status: { DataType: 'String', StringValue: 'COMPLETED' },
        count: { DataType: 'Number', StringValue: '3' },
      },
    });
  });

  it('reads STS AssumeRole with lists of structures (member.N) and scalars as text', () => {
    const params = new URLSearchParams({
      Action: 'AssumeRole',
      RoleArn: 'arn:aws:iam::123456789012:role/R',
      RoleSessionName: 's1',
      DurationSeconds: '900',
      'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'dr',
      'Tags.member.2.Key': 'env',
      'Tags.member.2.Value': 'test',
      TransitiveTagKeys: '',
    });
    expect(awsQueryInput(loadServiceModel('sts'), 'AssumeRoleRequest', params)).toEqual({
      RoleArn: 'arn:aws:iam::123456789012:role/R',
      RoleSessionName: 's1',
      DurationSeconds: '900',
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      Tags: [
        { Key: 'team', Value: 'dr' },
        { Key: 'env', Value: 'test' },
      ],
      // An empty list is sent as the bare name.
      TransitiveTagKeys: [],
    });
  });
});
