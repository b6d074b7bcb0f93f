import { CreateTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { Tables } from '../../config';
import { tableDefinitions } from './tableDefinitions';

/** Creates the tables that do not exist yet (the local stack and tests; on AWS, CloudFormation does it). */
export const createTables = async (client: DynamoDBClient, tables: Tables): Promise<void> => {
  for (const definition of tableDefinitions(tables)) {
    try {
      await client.send(new CreateTableCommand(definition));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
};
