import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { DEFAULT_DIGEST_PREFIX } from '../config';
import { UsageError } from './exitCodes';
import { shown } from './render/terminalText';
import { STACK_OUTPUTS, stackNameOf, stageNameOf } from '../local/deployedNames';

export { stackNameOf };

/** --stage, --region and --profile (or DRS_LEDGER_STAGE, AWS_REGION / AWS_DEFAULT_REGION, AWS_PROFILE). */
export interface StackSelection {
  stage: string;
  region?: string;
  profile?: string;
}

/** What the CLI reaches in a deployed stack: each name from the stack's outputs, or as serverless.yml names it. */
export interface DeployedStack {
  stage: string;
  stackName: string;
  region: string;
  /** The account the stack is in, read from its StackId. */
  accountId: string;
  eventsTable: string;
  executionViewsTable: string;
  plansTable: string;
  resumeTokensTable: string;
  /** The execution-handler function, which `invoke` calls (lambda:InvokeFunction). */
  executionHandlerName: string;
  /** The operator API (IAM-authorized; `invoke --api` signs for execute-api), when the stack has one. */
  operatorApiUrl?: string;
  digestBucket: string;
  /** The digest signing key: its ARN from the outputs, else its alias (KMS takes either). */
  digestKeyId: string;
  digestPrefix: string;
  notificationTopicArn?: string;
  /** The names taken from serverless.yml's naming because the stack has no output for them (an older deploy). */
  fallbacks: string[];
}

/** Stage names as osls takes them; with the service's prefix they stay within CloudFormation's 128 characters. */
const STAGE = /^[A-Za-z0-9-]{1,64}$/;

/** A stack being created, never created, rolled back from its creation or being deleted has no resources to use. */
const NOT_USABLE = /^(CREATE_IN_PROGRESS|CREATE_FAILED|ROLLBACK_.*|DELETE_.*|REVIEW_IN_PROGRESS)$/;

export const checkedStage = (stage: string): string => {
  if (!STAGE.test(stage))
    throw new UsageError(`--stage must be 1 to 64 letters, digits or hyphens (as osls takes it), got "${shown(stage)}"`);
  return stage;
};

/** The names serverless.yml gives a stage's resources (custom.names, custom.tables, custom.digestBucket). */
const serverlessNames = (stage: string, region: string, accountId: string) => ({
  eventsTable: stageNameOf(stage, 'events'),
  executionViewsTable: stageNameOf(stage, 'execution-views'),
  plansTable: stageNameOf(stage, 'plans'),
  resumeTokensTable: stageNameOf(stage, 'resume-tokens'),
  executionHandlerName: stageNameOf(stage, 'execution-handler'),
  digestBucket: stageNameOf(stage, `digests-${accountId}-${region}`),
  digestKeyId: `alias/${stageNameOf(stage, 'digests')}`,
  digestPrefix: DEFAULT_DIGEST_PREFIX,
});

/** arn:aws:cloudformation:<region>:<account>:stack/<name>/<id> */
const accountOf = (stackId: string | undefined): string =>
  /^arn:[^:]+:cloudformation:[^:]*:(\d{12}):stack\//.exec(stackId ?? '')?.[1] ?? '';

/** Reads the stack's names from its outputs, falling back to serverless.yml's naming for any output it lacks. */
export const deployedStackOf = (stage: string, region: string, stack: Stack): DeployedStack => {
  const outputs = new Map(
    (stack.Outputs ?? []).flatMap((output) => (output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue]] : [])),
  );
  const accountId = accountOf(stack.StackId);
  const named = serverlessNames(stage, region, accountId);
  const fallbacks: string[] = [];
  const pick = (field: keyof typeof named): string => {
    const value = outputs.get(STACK_OUTPUTS[field]);
    if (value !== undefined) return value;
    fallbacks.push(STACK_OUTPUTS[field]);
    return named[field];
  };
  const operatorApiUrl = outputs.get(STACK_OUTPUTS.operatorApiUrl);
  const notificationTopicArn = outputs.get(STACK_OUTPUTS.notificationTopicArn);
  return {
    stage,
    stackName: stack.StackName ?? stackNameOf(stage),
    region,
    accountId,
    eventsTable: pick('eventsTable'),
    executionViewsTable: pick('executionViewsTable'),
    plansTable: pick('plansTable'),
    resumeTokensTable: pick('resumeTokensTable'),
    executionHandlerName: pick('executionHandlerName'),
    digestBucket: pick('digestBucket'),
    digestKeyId: pick('digestKeyId'),
    digestPrefix: pick('digestPrefix'),
    ...(operatorApiUrl ? { operatorApiUrl } : {}),
    ...(notificationTopicArn ? { notificationTopicArn } : {}),
    fallbacks,
  };
};

/** The region a selection names, or that the environment gives; undefined lets the SDK read the profile's. */
export const selectedRegion = (selection: StackSelection, env: NodeJS.ProcessEnv = process.env): string | undefined =>
  selection.region ?? (env.AWS_REGION?.trim() || undefined) ?? (env.AWS_DEFAULT_REGION?.trim() || undefined);

const errorText = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? ` ${error.cause.message}` : '';
  return error instanceof Error ? `${error.name}: ${error.message}${cause}` : String(error);
};

/**
 * An AWS call's failure as the operator should read it: the stack missing, no credentials, no region, an endpoint
 * that does not answer. Anything else is returned unchanged.
 */
export const explainedAwsError = (error: unknown, selection: StackSelection, region: string | undefined): unknown => {
  const where = region ?? 'the default region';
  const profile = selection.profile ? ` (profile ${shown(selection.profile)})` : '';
  const text = errorText(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'ValidationError' && /does not exist/.test(text))
    return new UsageError(
      `stack ${stackNameOf(selection.stage)} not found in ${where}${profile} (deployed with npm run deploy -- --stage ${selection.stage} --region ${where}?)`,
    );
  if (name === 'CredentialsProviderError' || /Could not load credentials|could not be found|Could not resolve credentials/i.test(text))
    return new UsageError(
      `no AWS credentials${profile} to reach stack ${stackNameOf(selection.stage)} in ${where}: pass --profile, set AWS_PROFILE, run \`aws sso login\` / \`aws configure\`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (${shown(text.trim())})`,
    );
  if (/Region is missing|region.*missing/i.test(text))
    return new UsageError('no AWS region: pass --region, or set AWS_REGION (or a region in the profile)');
  if (/ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|AccessDenied/.test(text))
    return new UsageError(
      `AWS refused the credentials${profile} for stack ${stackNameOf(selection.stage)} in ${where}: ${shown(text.trim())}`,
    );
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed/.test(text))
    return new UsageError(
      `CloudFormation does not answer for ${where} (AWS_ENDPOINT_URL_CLOUDFORMATION / network?): ${shown(text.trim())}`,
    );
  return error;
};

/**
 * A deployed stack's service that could not be reached, or refused the caller, after the stack itself was read
 * (its tables, its function, its bucket): what to check, as a usage error (exit 2) rather than a raw SDK message.
 */
export const stackServiceTrouble = (error: unknown, stage: string): UsageError | undefined => {
  const text = errorText(error);
  const name = error instanceof Error ? error.name : '';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|fetch failed/.test(text))
    return new UsageError(
      `a service of stack ${stackNameOf(stage)} does not answer (network, or an AWS_ENDPOINT_URL_<SERVICE> setting?): ${shown(text.trim())}`,
    );
  if (
    name === 'CredentialsProviderError' ||
    /ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|AccessDenied|not authorized/i.test(`${name} ${text}`)
  )
    return new UsageError(
      `AWS refused the request to stack ${stackNameOf(stage)} (credentials, or their IAM policy?): ${shown(text.trim())}`,
    );
  return undefined;
};

/**
 * The stage's stack, read with CloudFormation DescribeStacks (cloudformation:DescribeStacks on it). The client
 * gets no endpoint of ours: the SDK's own settings apply (AWS_ENDPOINT_URL_CLOUDFORMATION, the profile, the
 * region), so this is the call that runs against AWS.
 */
export const resolveDeployedStack = async (selection: StackSelection, env: NodeJS.ProcessEnv = process.env): Promise<DeployedStack> => {
  const stage = checkedStage(selection.stage);
  const region = selectedRegion(selection, env);
  const cloudformation = new CloudFormationClient({
    ...(region ? { region } : {}),
    ...(selection.profile ? { profile: selection.profile } : {}),
    maxAttempts: 3,
  });
  try {
    const resolvedRegion = await cloudformation.config.region().catch((error: unknown) => {
      throw explainedAwsError(error, selection, undefined);
    });
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackNameOf(stage) })).catch((error: unknown) => {
      throw explainedAwsError(error, selection, resolvedRegion);
    });
    const stack = Stacks?.[0];
    if (!stack) throw explainedAwsError(Object.assign(new Error('does not exist'), { name: 'ValidationError' }), selection, resolvedRegion);
    if (NOT_USABLE.test(stack.StackStatus ?? ''))
      throw new UsageError(
        `stack ${stackNameOf(stage)} in ${resolvedRegion} is ${shown(stack.StackStatus ?? '')}: it holds no working stack (deploy it again with npm run deploy -- --stage ${stage})`,
      );
    return deployedStackOf(stage, resolvedRegion, stack);
  } finally {
    cloudformation.destroy();
  }
};
