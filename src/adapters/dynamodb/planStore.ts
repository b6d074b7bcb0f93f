import { type DynamoDBClient, GetItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { RecoveryPlan } from '../../domain/plan';
import type { ClaimResult, PlanClaim, PlanStore, StoredPlan } from '../../ports/planStore';
import { isConditionalCheckFailed } from './errors';
import type { Item } from './marshalEvent';

/**
 * Plans, one item each, plus the plan's active-execution slot (`activeExecutionId`, `activeClaimedAt`)
 * taken and freed with single-item conditional updates.
 */
export class DynamoPlanStore implements PlanStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(planId: string): Promise<StoredPlan | undefined> {
    const output = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { planId: { S: planId } }, ConsistentRead: true }),
    );
    return output.Item ? toStoredPlan(output.Item) : undefined;
  }

  /** Writes the plan without touching its slot: an execution keeps the snapshot it started with. */
  async put(plan: RecoveryPlan): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { planId: { S: plan.planId } },
        UpdateExpression: 'SET #plan = :plan, #planName = :planName',
        ExpressionAttributeNames: { '#plan': 'plan', '#planName': 'planName' },
        ExpressionAttributeValues: marshall({ ':plan': plan, ':planName': plan.planName }, { removeUndefinedValues: true }),
      }),
    );
  }

  async list(): Promise<RecoveryPlan[]> {
    const plans: RecoveryPlan[] = [];
    let startKey: Item | undefined;
    do {
      const output = await this.client.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey }));
      for (const item of output.Items ?? []) plans.push(toStoredPlan(item).plan);
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return plans.sort((a, b) => a.planId.localeCompare(b.planId));
  }

  async claim(planId: string, claim: PlanClaim, replacing?: PlanClaim): Promise<ClaimResult> {
    // A slot freed between a failed write and the read that explains it is simply tried again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (await this.tryClaim(planId, claim, replacing)) return { ok: true };
      const current = await this.get(planId);
      if (!current) return { ok: false, reason: 'PlanNotFound' };
      // This very claim, applied but its answer lost: the SDK's retry then found the slot taken by it.
      if (current.claim?.executionId === claim.executionId) return { ok: true };
      if (current.claim) return { ok: false, reason: 'PlanBusy', holder: current.claim };
      replacing = undefined;
    }
    throw new Error(`Plan ${planId}: its slot kept changing while being claimed`);
  }

  private async tryClaim(planId: string, claim: PlanClaim, replacing?: PlanClaim): Promise<boolean> {
    const values: Record<string, unknown> = { ':id': claim.executionId, ':at': claim.claimedAt };
    let condition = 'attribute_exists(#planId) AND attribute_not_exists(#active)';
    if (replacing) {
      condition = 'attribute_exists(#planId) AND #active = :prevId AND #claimedAt = :prevAt';
      values[':prevId'] = replacing.executionId;
      values[':prevAt'] = replacing.claimedAt;
    }
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { planId: { S: planId } },
          UpdateExpression: 'SET #active = :id, #claimedAt = :at',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#planId': 'planId', '#active': 'activeExecutionId', '#claimedAt': 'activeClaimedAt' },
          ExpressionAttributeValues: marshall(values),
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return false;
    }
  }

  async release(planId: string, executionId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { planId: { S: planId } },
          UpdateExpression: 'REMOVE #active, #claimedAt',
          ConditionExpression: '#active = :id',
          ExpressionAttributeNames: { '#active': 'activeExecutionId', '#claimedAt': 'activeClaimedAt' },
          ExpressionAttributeValues: { ':id': { S: executionId } },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}

const toStoredPlan = (item: Item): StoredPlan => {
  const record = unmarshall(item) as { plan: RecoveryPlan; activeExecutionId?: string; activeClaimedAt?: string };
  const stored: StoredPlan = { plan: record.plan };
  if (record.activeExecutionId && record.activeClaimedAt) {
    stored.claim = { executionId: record.activeExecutionId, claimedAt: record.activeClaimedAt };
  }
  return stored;
};
