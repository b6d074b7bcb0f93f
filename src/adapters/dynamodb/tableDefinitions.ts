import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { Tables } from '../../config';
import { EXECUTIONS_INDEX } from './keys';

/** Sparse index of RUNNING executions: only the header items of views whose status is RUNNING carry `runningStatus`. */
export const RUNNING_INDEX = 'running-executions';

/**
 * The tables as the local stack creates them. serverless.yml declares the same keys and index;
 * a test compares the two so they cannot drift apart.
 */
export const tableDefinitions = (tables: Tables): CreateTableCommandInput[] => [
  {
    TableName: tables.events,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'executionId', AttributeType: 'S' },
      { AttributeName: 'seq', AttributeType: 'N' },
      { AttributeName: 'executionStart', AttributeType: 'S' },
      { AttributeName: 'occurredAt', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'executionId', KeyType: 'HASH' },
      { AttributeName: 'seq', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: EXECUTIONS_INDEX,
        KeySchema: [
          { AttributeName: 'executionStart', KeyType: 'HASH' },
          { AttributeName: 'occurredAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['planId'] },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  },
  {
    // Each view in bounded items: a header and one item per wave (executionViewItem.ts).
    TableName: tables.executions,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'executionId', AttributeType: 'S' },
      { AttributeName: 'item', AttributeType: 'S' },
      { AttributeName: 'runningStatus', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'executionId', KeyType: 'HASH' },
      { AttributeName: 'item', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: RUNNING_INDEX,
        KeySchema: [
          { AttributeName: 'runningStatus', KeyType: 'HASH' },
          { AttributeName: 'executionId', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['planId'] },
      },
    ],
  },
  {
    TableName: tables.plans,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'planId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'planId', KeyType: 'HASH' }],
  },
  {
    TableName: tables.resumeTokens,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'executionId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'executionId', KeyType: 'HASH' }],
  },
];
