/**
 * Who may let a wave start: the approval a wave requires before it starts (the execution pauses before it).
 * Patterns match principal ARNs; `*` matches any run of characters, nothing else is special.
 */
export interface ApprovalRule {
  /** Principal ARN patterns, for example `arn:aws:sts::123456789012:assumed-role/DRApprover/*`. */
  approvers: string[];
  /** The principal that started the execution may not approve it (default true: separation of duties). */
  excludeStarter?: boolean;
  /** How long the approval may wait; absent: until an operator acts. */
  timeoutMinutes?: number;
  /** What happens when the timeout passes (default CANCEL). */
  onTimeout?: 'CANCEL' | 'CONTINUE';
}

export const MAX_APPROVER_PATTERNS = 20;
export const MAX_APPROVER_PATTERN_LENGTH = 256;
/**
 * Approver patterns across a whole plan, in bytes: the plan travels whole in ExecutionStarted and its rules in
 * every snapshot, within DynamoDB's item limit (test/adapters/dynamodb/ledgerItemBudget.test.ts measures it).
 */
export const MAX_APPROVER_BYTES_PER_PLAN = 16 * 1024;
/** A week: Step Functions' wait for resume lasts as long (its task's TimeoutSeconds). */
export const MAX_APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60;
export const APPROVER_PATTERN = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):[\w+=,.@/*-]{1,256}$/;

const escapeRegExp = (text: string): string => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** Whether the principal ARN matches the pattern (`*` is the only wildcard; the match is whole and case-sensitive). */
export const principalMatches = (pattern: string, principal: string): boolean =>
  new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 'su').test(principal);

export const mayApprove = (rule: ApprovalRule, principal: string): boolean =>
  rule.approvers.some((pattern) => principalMatches(pattern, principal));

export const excludesStarter = (rule: ApprovalRule): boolean => rule.excludeStarter !== false;
export const onTimeoutOf = (rule: ApprovalRule): 'CANCEL' | 'CONTINUE' => rule.onTimeout ?? 'CANCEL';
