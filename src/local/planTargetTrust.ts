import type { RecoveryPlan } from '../domain/plan';
import type { StsEmulator } from './emulators';

/** The role a plan's target assumes, as IAM names it. */
export const targetRoleArn = (target: NonNullable<RecoveryPlan['target']>, defaultRoleName: string): string =>
  `arn:aws:iam::${target.accountId}:role/${target.roleName ?? defaultRoleName}`;

/**
 * Locally, the plans' target accounts are the STS emulator's: each target's role trusts the function as its
 * plan says (with the plan's ExternalId when it declares one), so a local drill of a cross-account plan runs
 * the same AssumeRole path as on AWS and never reaches the real STS.
 */
export const trustPlanTargets = (sts: Pick<StsEmulator, 'trustRole'>, plans: readonly RecoveryPlan[], defaultRoleName: string): void => {
  for (const { target } of plans) {
    if (!target) continue;
    sts.trustRole({
      roleArn: targetRoleArn(target, defaultRoleName),
      ...(target.externalId === undefined ? {} : { externalId: target.externalId }),
    });
  }
};
