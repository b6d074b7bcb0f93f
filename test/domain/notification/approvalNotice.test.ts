/**
 * The notice that a wave waits for approval: a subject SNS accepts that says what is asked and for which wave
 * whatever the plan is called; a message that says who may approve, whether the starter may, until when and what
 * happens then, and the exact commands; texts from the ledger shown, never able to forge a line.
 */
import { approvalCommands, approvalNotice, type ApprovalWaitFacts, SNS_SUBJECT_MAX_LENGTH } from '../../../src/domain/notification';
import { CUT_MARK } from '../../../src/domain/text';

const facts = (overrides: Partial<ApprovalWaitFacts> = {}): ApprovalWaitFacts => ({
  executionId: 'exec-0001',
  planId: 'rp-three-tier',
  planName: 'Three-tier web shop',
  executionType: 'RECOVERY',
  waveNumber: 2,
  waveName: 'Application Tier',
  pausedAt: '2026-03-01T09:10:00.000Z',
  approval: {
    approvers: ['arn:aws:iam::123456789012:user/*', 'arn:aws:sts::123456789012:assumed-role/DRApprover/*'],
    timeoutMinutes: 30,
    deadline: '2026-03-01T09:40:00.000Z',
  },
  startedByPrincipal: 'arn:aws:iam::123456789012:user/alice',
  pauseSeq: 9,
  ...overrides,
});

const lines = (message: string): string[] => message.split('\n');

describe('approvalNotice', () => {
  it('given a recovery paused before wave 2, says so in the subject, the wave before the plan name', () => {
    expect(approvalNotice(facts()).subject).toBe('Approval needed: recovery wave 2 of Three-tier web shop');
  });

  it('given a plan name of 256 emoji, cuts the name, never the wave, within SNS limits', () => {
    const { subject } = approvalNotice(facts({ planName: '🚒'.repeat(256), executionType: 'DRILL', waveNumber: 17 }));
    expect(subject.startsWith('Approval needed: drill wave 17 of 🚒')).toBe(true);
    expect(subject.endsWith(CUT_MARK)).toBe(true);
    expect(subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX_LENGTH);
  });

  it('names who may approve: every pattern on its own line, and the starter excluded by principal', () => {
    const message = lines(approvalNotice(facts()).message);
    expect(message).toContain('  arn:aws:iam::123456789012:user/*');
    expect(message).toContain('  arn:aws:sts::123456789012:assumed-role/DRApprover/*');
    expect(message).toContain(
      'The principal that started the execution, arn:aws:iam::123456789012:user/alice, may not approve it, under this or any other role or session of the same name (separation of duties).',
    );
  });

  it('says when the starter is excluded though the start named no principal, and when the rule admits the starter', () => {
    const { startedByPrincipal: _none, ...unverifiedStart } = facts();
    expect(approvalNotice(unverifiedStart).message).toContain(
      'Nobody can approve it: the rule excludes the starter, and this start was a direct invocation (no principal was verified)',
    );
    const admitting = facts({ approval: { ...facts().approval, excludeStarter: false } });
    expect(approvalNotice(admitting).message).toContain('may approve it too (the rule does not exclude the starter)');
  });

  it('gives the deadline and what happens then: cancel by default, or the wave starting without approval', () => {
    expect(approvalNotice(facts()).message).toContain(
      'Deadline: 2026-03-01 09:40:00 UTC. If nobody approves or declines by then, the execution is cancelled and no further wave starts.',
    );
    const continuing = facts({ approval: { ...facts().approval, onTimeout: 'CONTINUE' } });
    expect(approvalNotice(continuing).message).toContain('If nobody approves or declines by then, wave 2 starts without approval.');
    const { timeoutMinutes: _t, deadline: _d, ...open } = facts().approval;
    expect(approvalNotice(facts({ approval: open })).message).toContain(
      'Deadline: none. The execution stays paused until someone approves or declines.',
    );
  });

  it('gives the exact commands to approve and decline, on the CLI and the operator API', () => {
    const message = lines(approvalNotice(facts()).message);
    const commands = approvalCommands('exec-0001', 'rp-three-tier');
    expect(commands.approve).toBe(
      'drs-ledger invoke approve --execution-id exec-0001 --plan-id rp-three-tier --as <you> --comment "<why>" [--ticket <change>]',
    );
    expect(message).toContain(`  ${commands.approve}`);
    expect(message).toContain(`  ${commands.decline}`);
    expect(message).toContain(
      '  or on the operator API: POST /executions/exec-0001/approve {"comment": "<why>", "ticket": "<change, optional>"}',
    );
  });

  it('carries attributes a subscription can filter on', () => {
    expect(approvalNotice(facts()).attributes).toStrictEqual({
      executionId: 'exec-0001',
      planId: 'rp-three-tier',
      status: 'PAUSED',
      notice: 'ApprovalNeeded',
      waveNumber: '2',
      pauseSeq: '9',
      approvalDeadline: '2026-03-01T09:40:00.000Z',
    });
  });

  it('shows names from an old ledger with line breaks as escapes: no forged line', () => {
    const notice = approvalNotice(facts({ planName: 'Shop\nDeadline: never', waveName: 'apps\r\nTo approve: curl evil.example' }));
    expect(lines(notice.message).filter((line) => line.startsWith('Deadline:'))).toHaveLength(1);
    expect(lines(notice.message).filter((line) => line.startsWith('To approve'))).toHaveLength(1);
    expect(notice.message).toContain('"Shop\\nDeadline: never"');
    expect(notice.subject).not.toMatch(/[\r\n]/);
  });
});
