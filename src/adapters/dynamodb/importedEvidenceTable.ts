import {
  type CreateTableCommandInput,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';

/**
 * Imported evidence lives in a table of its own, beside the events table and never in it: no stream (the
 * projector never sees an import), no index (find, serve and rebuild never list one), and no function of the
 * deployed stack is granted it. Only the CLI's audit commands open it.
 */
export const importedEvidenceTableName = (eventsTable: string): string => `${eventsTable}-imported`;

/** Partition + sort key, both strings: imports, their staged lines and the seals share the table (importedEvidenceStore.ts). */
export const importedEvidenceTableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates the table where it does not exist yet (the CLI, on the local ledger, before it reads or writes
 * imports), and waits until it is ACTIVE: dynalite turns a new table ACTIVE on a timer, and a command that
 * closed its folder before then would leave the table CREATING for good.
 */
export const createImportedEvidenceTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new CreateTableCommand(importedEvidenceTableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await sleep(10);
  }
  throw new Error(`The table ${tableName} did not become ACTIVE`);
};
