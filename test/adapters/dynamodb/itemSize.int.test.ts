/**
 * dynamoItemBytes follows AWS's documented rules ("DynamoDB item sizes and formats"), and agrees with the
 * capacity dynalite charges (1 write unit per started KB, by its own reckoning of the same rules) on
 * either side of a KB boundary.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoItemBytes } from '../../../src/adapters/dynamodb/itemSize';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../../support/dynamo';

describe('dynamoItemBytes', () => {
  it.each<[string, Record<string, AttributeValue>, number]>([
    ['a string: name plus UTF-8 bytes', { name: { S: 'abc' } }, 4 + 3],
    ['4-byte characters count 4 bytes, not 2 UTF-16 units', { s: { S: '\u{20000}\u{20001}' } }, 1 + 8],
    ['a number: one byte per two significant digits, plus one', { n: { N: '-0012345.6700' } }, 1 + 4 + 1],
    ['a binary: its raw bytes', { b: { B: new Uint8Array(10) } }, 1 + 10],
    ['a boolean and a null: one byte each', { t: { BOOL: true }, z: { NULL: true } }, 2 + 2],
    ['a list: 3 bytes, plus one per element, plus the elements', { l: { L: [{ S: 'ab' }, { N: '7' }] } }, 1 + 3 + (1 + 2) + (1 + 2)],
    [
      'a map: 3 bytes, plus one per element, plus names and values',
      { m: { M: { key: { S: 'v' }, on: { BOOL: false } } } },
      1 + 3 + (1 + 3 + 1) + (1 + 2 + 1),
    ],
    ['an empty list or map: 3 bytes', { l: { L: [] }, m: { M: {} } }, 4 + 4],
    ['a string set: its strings', { ss: { SS: ['a', 'bc'] } }, 2 + 3],
  ])('%s', (_, item, expected) => {
    expect(dynamoItemBytes(item)).toBe(expected);
  });

  describe('against the write units dynalite charges', () => {
    let context: DynamoTestContext;
    beforeAll(async () => {
      context = await startTestDynamo();
    });
    afterAll(() => stopTestDynamo(context));

    /** An item of exactly `bytes` (by dynamoItemBytes) with nested lists and maps, padded with ASCII. */
    const itemOf = (key: string, bytes: number): Record<string, AttributeValue> => {
      const base: Record<string, AttributeValue> = {
        executionId: { S: key },
        item: { S: 'HEADER' },
        waves: { L: [{ M: { waveNumber: { N: '7' }, status: { S: 'COMPLETED' }, done: { BOOL: true } } }, { M: {} }] },
        pad: { S: '' },
      };
      const padded = { ...base, pad: { S: 'x'.repeat(bytes - dynamoItemBytes(base)) } };
      expect(dynamoItemBytes(padded)).toBe(bytes);
      return padded;
    };

    it.each([1024, 1025, 4096, 4097, 100 * 1024, 100 * 1024 + 1])('%i bytes: ceil(bytes / 1 KB) write units', async (bytes) => {
      const output = await context.client.send(
        new PutItemCommand({
          TableName: context.config.tables.executions,
          Item: itemOf(`exec-size-${bytes}`, bytes),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(output.ConsumedCapacity?.CapacityUnits).toBe(Math.ceil(bytes / 1024));
    });
  });
});
