/**
 * The CloudFormation template `osls package` builds (offline, as test/infrastructure/cloudformation.test.ts
 * does) for a stage whose target account is the drills' workload account, as CloudFormation would deploy it
 * (its conditions decided), and the IAM grants of its roles, with ARNs in one textual form (${Id.Arn},
 * ${AWS::...}) and the accounts a grant is limited to (aws:ResourceAccount); who may invoke a function.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './serveProcess';
import { arnText, asList } from '../../support/cloudFormationText';
import { deployedTemplate } from '../../infrastructure/support/deployedTemplate';

/** The account the security drills recover in: the packaged stage lists it in targetAccountIds. */
export const PACKAGED_TARGET_ACCOUNT = '210987654321';

type Props = Record<string, unknown>;
export interface Template {
  Resources: Record<string, { Type: string; Properties: Props }>;
}
export interface Grant {
  role: string;
  actions: string[];
  resources: string[];
  /** aws:ResourceAccount of a StringEquals condition: the only accounts the grant reaches. */
  resourceAccounts?: string[];
}

const TEMPLATE = 'cloudformation-template-update-stack.json';

let packaged: Template | undefined;

/** A fresh package (npm test's `.serverless` is the default stage's, which may assume no role), deployed. */
export const packagedTemplate = (): Template => {
  packaged ??= deployedTemplate(buildTemplate());
  return packaged;
};

const buildTemplate = (): Template => {
  const out = mkdtempSync(join(tmpdir(), 'drs-ledger-package-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  Object.assign(env, {
    AWS_CONFIG_FILE: join(tmpdir(), 'drs-ledger-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'drs-ledger-no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const stage = ['--stage', 'dev', '--region', 'us-east-1', `--param=targetAccountIds=${PACKAGED_TARGET_ACCOUNT}`];
  const result = spawnSync('npx', ['osls', 'package', ...stage, '--package', out], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 170_000,
  });
  if (result.status !== 0) throw new Error(`osls package failed: ${result.stdout}\n${result.stderr}`);
  return JSON.parse(readFileSync(join(out, TEMPLATE), 'utf8')) as Template;
};

export const grantsOf = (template: Template, role: string): Grant[] =>
  asList(template.Resources[role]?.Properties.Policies as Array<{ PolicyDocument: { Statement: Props[] } }> | undefined).flatMap((policy) =>
    policy.PolicyDocument.Statement.filter((statement) => statement.Effect === 'Allow').map((statement) => ({
      role,
      actions: asList(statement.Action as string | string[]),
      resources: asList(statement.Resource).map(arnText),
      ...resourceAccountsOf(statement),
    })),
  );

/** A granted resource in the template's form as a pattern over concrete ARNs (${AWS::...} and * as wildcards). */
const matches = (granted: string, concrete: string): boolean => {
  if (granted === '*' || granted === concrete) return true;
  const pattern = granted
    .split(/(\$\{AWS::Partition\}|\$\{AWS::Region\}|\$\{AWS::AccountId\}|\*)/)
    .map((part) => {
      if (part === '${AWS::Partition}') return 'aws';
      if (part === '${AWS::Region}') return '[a-z0-9-]+';
      if (part === '${AWS::AccountId}') return '\\d{12}';
      if (part === '*') return '.*';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${pattern}$`).test(concrete);
};

/**
 * The accounts a statement's StringEquals aws:ResourceAccount condition limits it to. Other condition keys (the
 * digest bookkeeping's dynamodb:LeadingKeys) only narrow a grant further: this audit judges resources, as before.
 */
const resourceAccountsOf = (statement: Props): { resourceAccounts?: string[] } => {
  const conditions = Object.entries((statement.Condition ?? {}) as Record<string, Record<string, unknown>>);
  const global = conditions.flatMap(([operator, keys]) => Object.keys(keys).map((key) => `${operator} ${key}`));
  // On the grants that reach other accounts (sts), a global condition this audit cannot judge would make it
  // over-report what they allow: refuse to guess. Elsewhere conditions only narrow a grant, as before.
  const reachesAccounts = asList(statement.Action as string | string[]).some((action) => action.startsWith('sts:'));
  const unjudged = global.filter((entry) => entry.includes(' aws:') && entry !== 'StringEquals aws:ResourceAccount');
  if (reachesAccounts && unjudged.length) throw new Error(`a grant condition this audit cannot judge: ${unjudged.join(', ')}`);
  const accounts = (statement.Condition as { StringEquals?: Record<string, unknown> } | undefined)?.StringEquals?.['aws:ResourceAccount'];
  return accounts === undefined ? {} : { resourceAccounts: asList(accounts as string | string[]) };
};

/** The account of a concrete ARN (undefined for the template's ${Id.Arn} form). */
const accountOf = (arn: string): string | undefined => /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];

/** Whether one of the grants allows `action` on `resource` (a concrete ARN, or the template's ${Id.Arn} form). */
export const isAllowed = (grants: Grant[], action: string, resource: string): boolean =>
  grants.some(
    (grant) =>
      grant.actions.includes(action) &&
      grant.resources.some((granted) => matches(granted, resource)) &&
      (grant.resourceAccounts === undefined || grant.resourceAccounts.includes(accountOf(resource) ?? '')),
  );

/** Every IAM role of the template, by logical id, in template order. */
export const rolesOf = (template: Template): string[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .map(([id]) => id);

/** A function's ARN in the packaged account and Region, from its FunctionName (what a caller invokes it by). */
export const functionArnOf = (template: Template, logicalId: string, account = '123456789012', region = 'us-east-1'): string =>
  `arn:aws:lambda:${region}:${account}:function:${String(template.Resources[logicalId]?.Properties.FunctionName)}`;

/** The principals a function's resource policy (its AWS::Lambda::Permission resources) admits, in ${Id.Arn} form. */
export const invokePrincipalsOf = (template: Template, logicalId: string): string[] =>
  Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Permission')
    .filter((permission) => arnText(permission.Properties.FunctionName) === `\${${logicalId}.Arn}`)
    .map((permission) => arnText(permission.Properties.Principal));
