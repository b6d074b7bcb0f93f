/**
 * What a resource policy (a KMS key policy, an S3 bucket policy) or a role's identity policies of the packaged
 * template decide about one request, for tests that try a request against them. Only the policy language this
 * template uses is read: anything else (NotAction, NotPrincipal, another condition operator) throws rather than guessing.
 */
import { asList } from '../../support/cloudFormationText';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal: '*' | { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyRequest {
  /** The caller as aws:PrincipalArn has it: an IAM role's ARN for a role session, `…:root` for the root user; none when anonymous. */
  principalArn?: string;
  action: string;
  resource: string;
  /** Condition keys of the request besides aws:PrincipalArn (absent keys are absent). */
  context?: Record<string, string>;
}

const SUPPORTED_KEYS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition']);

/** IAM's wildcards: `*` any run of characters, `?` one; actions compare case-insensitively. */
export const globMatches = (pattern: string, value: string, ignoreCase = false): boolean => {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
};

const accountOf = (arn: string): string => arn.split(':')[4] ?? '';

/** An AWS principal entry names the caller itself, or its account (`…:root`, which lets the account's IAM policies decide). */
const principalMatches = (principal: PolicyStatement['Principal'], callerArn: string | undefined): boolean => {
  if (principal === '*') return true;
  if (callerArn === undefined) return false;
  return asList(principal.AWS).some(
    (entry) => entry === '*' || entry === callerArn || (entry.endsWith(':root') && accountOf(entry) === accountOf(callerArn)),
  );
};

const conditionHolds = (operator: string, key: string, expected: string[], context: Record<string, string>): boolean => {
  const actual = context[key];
  switch (operator) {
    case 'StringEquals':
    case 'ArnEquals':
      return actual !== undefined && expected.includes(actual);
    case 'StringLike':
    case 'ArnLike':
      return actual !== undefined && expected.some((pattern) => globMatches(pattern, actual, false));
    // Negated operators hold when the key is absent (an anonymous caller has no aws:PrincipalArn).
    case 'ArnNotEquals':
    case 'StringNotEquals':
      return actual === undefined || !expected.includes(actual);
    case 'Bool':
      return actual !== undefined && expected.includes(actual);
    default:
      throw new Error(`condition operator ${operator} is not read by this evaluator`);
  }
};

const statementMatches = (statement: PolicyStatement, request: PolicyRequest): boolean => {
  const unsupported = Object.keys(statement).filter((key) => !SUPPORTED_KEYS.has(key));
  if (unsupported.length > 0)
    throw new Error(`statement ${statement.Sid ?? ''} uses ${unsupported.join(', ')}, which this evaluator does not read`);
  const context = { ...request.context, ...(request.principalArn === undefined ? {} : { 'aws:PrincipalArn': request.principalArn }) };
  return (
    principalMatches(statement.Principal, request.principalArn) &&
    asList(statement.Action).some((pattern) => globMatches(pattern, request.action, true)) &&
    asList(statement.Resource).some((pattern) => globMatches(pattern, request.resource, false)) &&
    Object.entries(statement.Condition ?? {}).every(([operator, entries]) =>
      Object.entries(entries).every(([key, values]) => conditionHolds(operator, key, asList(values), context)),
    )
  );
};

/** The statements of a policy that apply to a request, by effect. */
export const matchingStatements = (statements: PolicyStatement[], request: PolicyRequest) => ({
  allows: statements.filter((statement) => statement.Effect === 'Allow' && statementMatches(statement, request)).map((s) => s.Sid),
  denies: statements.filter((statement) => statement.Effect === 'Deny' && statementMatches(statement, request)).map((s) => s.Sid),
});

/**
 * KMS: a key policy must allow a request itself, naming the caller or the caller's account (then IAM decides
 * too); an IAM policy alone never does. So a caller the key policy allows nothing cannot be given it by IAM.
 */
export const keyPolicyLets = (statements: PolicyStatement[], request: PolicyRequest): boolean => {
  const { allows, denies } = matchingStatements(statements, request);
  return allows.length > 0 && denies.length === 0;
};

/**
 * S3, same account: IAM or the bucket policy may allow, but an explicit deny in the bucket policy refuses
 * whatever any IAM policy says. True when the bucket policy refuses the request outright.
 */
export const bucketPolicyRefuses = (statements: PolicyStatement[], request: PolicyRequest): boolean =>
  matchingStatements(statements, request).denies.length > 0;

/**
 * IAM, a role's own (identity) policies, which name no Principal: they speak for the role. The role may make a
 * request one of its statements allows and none denies; anything not allowed is refused (implicit deny).
 */
export const identityPolicyAllows = (
  statements: Array<Omit<PolicyStatement, 'Principal'>>,
  request: Omit<PolicyRequest, 'principalArn'>,
): boolean => {
  const named = statements.filter((statement) => 'Principal' in statement).map((statement) => statement.Sid);
  if (named.length > 0) throw new Error(`identity policy statements ${named.join(', ')} name a Principal, which IAM refuses`);
  const { allows, denies } = matchingStatements(
    statements.map((statement) => ({ ...statement, Principal: '*' as const })),
    request,
  );
  return allows.length > 0 && denies.length === 0;
};
