/**
 * The CloudFormation template `osls package` builds (offline, as test/infrastructure/cloudformation.test.ts
 * does), and the IAM grants of its roles, with ARNs in one textual form (${Id.Arn}, ${AWS::...}).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './serveProcess';
import { arnText, asList } from '../../support/cloudFormationText';

type Props = Record<string, unknown>;
export interface Template {
  Resources: Record<string, { Type: string; Properties: Props }>;
}
export interface Grant {
  role: string;
  actions: string[];
  resources: string[];
}

const TEMPLATE = 'cloudformation-template-update-stack.json';

let packaged: Template | undefined;

/** `.serverless`'s template when it is newer than serverless.yml (npm test just built it), else a fresh package. */
export const packagedTemplate = (): Template => {
  packaged ??= buildTemplate();
  return packaged;
};

const buildTemplate = (): Template => {
  const existing = join(ROOT, '.serverless', TEMPLATE);
  if (existsSync(existing) && statSync(existing).mtimeMs > statSync(join(ROOT, 'serverless.yml')).mtimeMs) {
    return JSON.parse(readFileSync(existing, 'utf8')) as Template;
  }
  const out = mkdtempSync(join(tmpdir(), 'drs-ledger-package-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  Object.assign(env, {
    AWS_CONFIG_FILE: join(tmpdir(), 'drs-ledger-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'drs-ledger-no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const result = spawnSync('npx', ['osls', 'package', '--stage', 'dev', '--region', 'us-east-1', '--package', out], {
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

/** Whether one of the grants allows `action` on `resource` (a concrete ARN, or the template's ${Id.Arn} form). */
export const isAllowed = (grants: Grant[], action: string, resource: string): boolean =>
  grants.some((grant) => grant.actions.includes(action) && grant.resources.some((granted) => matches(granted, resource)));
