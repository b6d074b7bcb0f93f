/**
 * How Lambda delivers a DynamoDB stream to a function whose mapping has ReportBatchItemFailures,
 * BisectBatchOnFunctionError, MaximumRetryAttempts and an on-failure destination (serverless.yml):
 * a batch whose response names failed records is retried from the lowest failed one (the checkpoint moves
 * there); a batch whose invocation throws is split in two; after the last retry, what is left of the
 * batch goes to the on-failure destination and the shard moves on.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export interface Delivery {
  invocations: number;
  /** Records handed to the on-failure destination (SQS on AWS). */
  onFailure: DynamoDBRecord[];
}

const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';

export const deliverLikeLambda = async (
  records: DynamoDBRecord[],
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>,
  options: { batchSize: number; maxRetries: number },
): Promise<Delivery> => {
  const delivery: Delivery = { invocations: 0, onFailure: [] };
  const deliverBatch = async (initial: DynamoDBRecord[]): Promise<void> => {
    let batch = initial;
    for (let retry = 0; batch.length > 0; retry += 1) {
      delivery.invocations += 1;
      let failedFrom: number;
      try {
        const { batchItemFailures } = await handler({ Records: batch });
        const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
        failedFrom = batch.findIndex((record) => failed.has(sequenceOf(record)));
      } catch {
        if (batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          await deliverBatch(batch.slice(0, half));
          await deliverBatch(batch.slice(half));
          return;
        }
        failedFrom = 0;
      }
      if (failedFrom < 0) return;
      batch = batch.slice(failedFrom);
      if (retry >= options.maxRetries) {
        delivery.onFailure.push(...batch);
        return;
      }
    }
  };
  for (let start = 0; start < records.length; start += options.batchSize) {
    await deliverBatch(records.slice(start, start + options.batchSize));
  }
  return delivery;
};
