import type { ActorEvidence, ApprovalEvidence, Evidence } from './evidence';
import { APPROVER_PATTERN } from '../../domain/plan';
import { actorText } from './actorText';
import { approvalOutcome, approvalsSummary, deadlineText, starterRule } from './approvalText';
import {
  ACTION_LABELS,
  describeRto,
  describeVerification,
  formatClock,
  formatInstant,
  formatSeconds,
  title,
  VERDICT_LABELS,
  verificationWord,
} from './format';
import { describeDigests, digestProblems, digestWord } from './digestText';
import { SIMULATED_WORD, simulatedRtoText, simulationSentence, simulationShort, sourceText, targetText } from './placeText';
import { markdownCode, markdownText as md } from './markdownText';
import { rpoMarkdown } from './rpoMarkdown';
import { readinessSummary, severityText } from './readiness';
import { describeTamperAlarms, tamperAlarmsWord, tamperKindLabel, tamperSourceLabel } from './tamperAlarmText';

/**
 * A table cell, from a Markdown fragment: every text from the ledger, a caller or AWS in it is already escaped
 * (md, or markdownCode in-table), which keeps it on one line and its pipes escaped; not escaped again here.
 */
const cell = (value: string | number | undefined): string =>
  value === undefined || value === '' ? '—' : typeof value === 'string' ? fragment(value) : numeral(value);
/**
 * A fragment as the escapers make it never holds a raw pipe, angle bracket or line break. A string that does
 * came from somewhere typed otherwise (a number field a rewritten ledger filled with text): escaped as text.
 */
const fragment = (value: string): string => (/(^|[^\\])\||[<>\r\n]/.test(value) ? md(value) : value);
/** A number the ledger holds: typed, but not checked when read, so a rewritten ledger could hold text there. */
const numeral = (value: number): string => md(String(value));
/** A caller's, the ledger's or AWS's text for a cell; '—' when absent. */
const text = (value: string | undefined): string | undefined => (value === undefined ? undefined : md(value));
/** A status, type or scope from the fold: a plain word (IN_PROGRESS, wave-start) means nothing in Markdown; anything else is escaped. */
const word = (value: string): string => (/^[A-Za-z]+(?:[_-][A-Za-z]+)*$/.test(value) ? value : md(value));
/** An instant as formatInstant shows it (digits, dashes, colons: inert mid-line); a ledger value that is no date, escaped. */
const instant = (iso: string | undefined): string => {
  const shown = formatInstant(iso);
  return shown === iso ? md(shown) : shown;
};
const table = (header: string[], rows: Array<Array<string | number | undefined>>): string[] =>
  rows.length === 0
    ? ['_None._']
    : [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
const SERVER_COLUMNS = [
  'Wave',
  'Server',
  'Hostname',
  'Status',
  'Wave start',
  'Launched',
  'Time to launch',
  'Recovery instance',
  'Failure reason',
];
/** An id, ARN or hash as a code span inside a table cell. */
const code = (value: string | undefined): string | undefined => (value ? markdownCode(value, 'in-table') : undefined);

const INSTANCE_STATE_WORDS = { gone: 'Gone', terminating: 'Terminating', running: 'STILL RUNNING', 'kept-alive': 'Kept alive' } as const;

/** A DRILL's recovery instances: each launched one, when it was terminated and confirmed gone, and the verdict. */
const recoveryInstancesSection = (found: Evidence['recoveryInstances']): string[] =>
  found === undefined
    ? []
    : [
        '## Recovery instances',
        '',
        `**${found.verdict.ok ? 'Clean' : 'NOT CLEAN'}**: ${md(found.verdict.text)}.${
          found.cleanup.dueAt && found.cleanup.keepAliveMinutes
            ? ` Kept alive ${numeral(found.cleanup.keepAliveMinutes ?? 0)} min, until ${instant(found.cleanup.dueAt)}.`
            : ''
        }`,
        '',
        ...table(
          ['Wave', 'Server', 'Hostname', 'Recovery instance', 'Launched', 'Termination requested', 'Confirmed gone', 'State'],
          found.instances.map((instance) => [
            instance.waveNumber,
            code(instance.serverId),
            text(instance.hostname),
            code(instance.recoveryInstanceId),
            instance.launchedAt
              ? instant(instance.launchedAt)
              : instance.foundAt
                ? `found by the cleanup ${instant(instance.foundAt)}`
                : undefined,
            instance.terminationRequestedAt ? instant(instance.terminationRequestedAt) : undefined,
            instance.goneAt ? instant(instance.goneAt) : undefined,
            INSTANCE_STATE_WORDS[instance.state] ?? md(String(instance.state)),
          ]),
        ),
        '',
        ...(found.cleanup.failures.length
          ? [
              ...table(
                ['Cleanup failed', 'Attempt', 'Error', 'Still running', 'Next attempt'],
                found.cleanup.failures.map((failure) => [
                  instant(failure.at),
                  failure.attempt,
                  md(failure.error),
                  failure.remaining,
                  instant(failure.nextAttemptAt),
                ]),
              ),
              '',
            ]
          : []),
      ];

/** An actor, escaped, with how the ledger knows them (verified principal, unverified name, drs-ledger). */
const actor = (who: ActorEvidence): string => actorText(who, { text: md });

/**
 * An approver pattern as a code span, as plans hold them; a pattern no plan could hold (a rewritten ledger) as
 * escaped text, which the table cell keeps as it is (a code span would be escaped once more, see fragment).
 */
const approverPattern = (pattern: string): string => (APPROVER_PATTERN.test(pattern) ? markdownCode(pattern, 'in-table') : md(pattern));

/** The waits for approval: one row each, with the rule it waited under and what became of it. */
const approvalRows = (approvals: readonly ApprovalEvidence[]): Array<Array<string | number | undefined>> =>
  approvals.map((approval) => {
    const decision = approval.decision;
    const decided = decision && decision.outcome !== 'timed-out' ? decision : undefined;
    return [
      approval.waveName === undefined ? approval.waveNumber : `${numeral(approval.waveNumber)} ${md(approval.waveName)}`,
      approval.pausedAt ? instant(approval.pausedAt) : undefined,
      `${approval.approvers.map(approverPattern).join(', ') || 'nobody recorded'}; ${md(starterRule(approval))}`,
      // The words are ours; only a deadline that is no date (a rewritten ledger) needs escaping, which instant does.
      deadlineText(approval, instant),
      `**${md(approvalOutcome(approval))}**`,
      decided ? actor(decided.by) : undefined,
      text(decided?.comment),
      text(decided?.ticket),
      decision ? instant(decision.at) : undefined,
      decision?.seq,
    ];
  });

/** The digest sentence's words as text, its values (a location, a head) as code spans. */
const INLINE = { text: md, code: (value: string) => markdownCode(value) };
const IN_TABLE = { text: md, code: (value: string) => markdownCode(value, 'in-table') };

/** The evidence as a Markdown document: facts first, then the timelines, failures and the proof. */
export const renderMarkdown = (evidence: Evidence): string => {
  const { execution, plan, rto, ledger } = evidence;
  const lines: string[] = [
    `# ${md(title(evidence))}`,
    '',
    ...(evidence.imported
      ? [
          `> **${md(evidence.imported.note)}** · import ${markdownCode(evidence.imported.importId)} · sealed ${instant(evidence.imported.sealedAt)} · head ${markdownCode(`${evidence.imported.eventCount}:${evidence.imported.headHash}`)}`,
          '',
        ]
      : []),
    ...(evidence.simulation ? [`> **${SIMULATED_WORD}** · ${md(simulationSentence(evidence))}`, ''] : []),
    `Execution ${markdownCode(execution.executionId)} · ${word(execution.executionType)} · **${word(execution.status)}**`,
    '',
    ...table(
      ['Fact', 'Value'],
      [
        ['Plan', `${md(plan.planName)} (${code(plan.planId)}), ${plan.waves.length} waves, ${evidence.servers.length} servers`],
        ['Started', instant(execution.startTime)],
        ['Started by', actor(execution.startedBy)],
        ['Ended', execution.endTime ? instant(execution.endTime) : `not ended (${word(execution.status)})`],
        ['Duration', execution.durationSeconds === undefined ? undefined : formatSeconds(execution.durationSeconds)],
        [rto.simulated || evidence.simulation ? 'Measured RTO (real time)' : 'Measured RTO', md(describeRto(rto.overall))],
        ...(rto.simulated ? [[`RTO in simulated DRS time (${SIMULATED_WORD})`, `**${md(simulatedRtoText(rto.simulated))}**`]] : []),
        ['Time paused', `${formatSeconds(rto.pausedSeconds)} (included in the measured RTO)`],
        // Our words and counts only.
        ['Approvals', approvalsSummary(evidence.approvals)],
        ['Readiness', readinessSummary(evidence.readiness)],
        ['Failure', text(execution.failureReason)],
        ['State machine execution', code(execution.stateMachineArn)],
        ['Target account', md(targetText(evidence.accounts.target))],
        ['Source servers', md(sourceText(evidence.accounts.source))],
        ...(evidence.simulation ? [['DRS', `**${SIMULATED_WORD}**: ${md(simulationShort(evidence.simulation))}`]] : []),
        ['Ledger head', code(`${ledger.headSeq}:${ledger.headHash}`)],
        ['Ledger events', `${ledger.eventCount} (head at seq ${ledger.headSeq})`],
        ['Verification', `**${verificationWord(ledger.verification)}**: ${md(describeVerification(ledger.verification, ledger))}`],
        ['Tamper alarms', `**${tamperAlarmsWord(evidence.tamperAlarms)}**: ${md(describeTamperAlarms(evidence.tamperAlarms))}`],
        ['Signed digest', `**${digestWord(evidence.digests)}**: ${describeDigests(evidence.digests, IN_TABLE)}`],
      ],
    ),
    '',
    '## Operator actions',
    '',
    ...table(
      ['When', 'Action', 'By', 'Detail', 'Seq'],
      evidence.actions.map((action) => [instant(action.at), ACTION_LABELS[action.action], actor(action), text(action.detail), action.seq]),
    ),
    '',
    ...(evidence.pauses.length
      ? [
          '### Pauses',
          '',
          ...table(
            ['From', 'To', 'Paused for', 'Where', 'Paused by', 'Resumed by'],
            evidence.pauses.map((pause) => [
              instant(pause.from),
              pause.to ? instant(pause.to) : 'still paused',
              pause.seconds === undefined ? undefined : formatSeconds(pause.seconds),
              pause.reason === 'PAUSE_BEFORE_WAVE'
                ? `before wave ${numeral(pause.nextWave)} (plan)`
                : `after wave ${numeral(pause.afterWave)} (requested)`,
              actor(pause.requestedByActor),
              pause.resumedByActor ? actor(pause.resumedByActor) : undefined,
            ]),
          ),
          '',
        ]
      : []),
    '## Approvals',
    '',
    ...(evidence.approvals.length
      ? table(
          ['Wave', 'Waiting since', 'Who may approve', 'Deadline', 'Outcome', 'By', 'Comment', 'Ticket', 'When', 'Seq'],
          approvalRows(evidence.approvals),
        )
      : [`_${approvalsSummary(evidence.approvals)}._`]),
    '',
    ...(evidence.approvals.some((approval) => approval.refused.length)
      ? [
          '### Refused approval attempts',
          '',
          ...table(
            ['When', 'Wave', 'Tried to', 'By', 'Why refused', 'Seq'],
            evidence.approvals.flatMap((approval) =>
              approval.refused.map((attempt) => [
                instant(attempt.at),
                approval.waveNumber,
                attempt.action === 'APPROVE' ? 'approve' : 'decline',
                actor(attempt.by),
                md(attempt.reason),
                attempt.seq,
              ]),
            ),
          ),
          '',
        ]
      : []),
    '## Readiness',
    '',
    ...(evidence.readiness
      ? [
          `Preflight at ${instant(evidence.readiness.assessedAt)} (seq ${numeral(evidence.readiness.seq)}): ${readinessSummary(evidence.readiness)}.`,
          '',
          ...(evidence.readiness.deviation
            ? [
                ...table(
                  ['Accepted deviation', 'Accepted by', 'Reason'],
                  [['Started despite BLOCKING findings', actor(evidence.readiness.deviation), md(evidence.readiness.deviation.reason)]],
                ),
                '',
              ]
            : []),
          ...table(
            ['Severity', 'Code', 'Wave', 'Server', 'Reason'],
            evidence.readiness.findings.map((finding) => [
              `**${severityText(word(finding.severity))}**`,
              word(finding.code),
              finding.waveNumber,
              code(finding.serverId),
              md(finding.reason),
            ]),
          ),
          ...(evidence.readiness.omitted ? ['', `_${numeral(evidence.readiness.omitted)} more finding(s) counted, not recorded._`] : []),
        ]
      : [`_${readinessSummary(evidence.readiness)}._`]),
    '',
    '## Waves',
    '',
    ...table(
      ['#', 'Wave', 'Status', 'Started', 'Ended', 'Duration', 'RTO from start', 'Verdict', 'DRS job', 'Attempts'],
      evidence.waves.map((wave) => [
        wave.waveNumber,
        md(wave.waveName),
        word(wave.status),
        formatClock(wave.startTime),
        formatClock(wave.endTime),
        wave.durationSeconds === undefined ? undefined : formatSeconds(wave.durationSeconds),
        wave.rto.measuredSeconds === undefined ? wave.rto.note : formatSeconds(wave.rto.measuredSeconds),
        VERDICT_LABELS[wave.rto.verdict],
        code(wave.drsJobId),
        wave.startAttempts,
      ]),
    ),
    '',
    '## Servers',
    '',
    ...table(
      SERVER_COLUMNS,
      evidence.servers.map((server) => [
        server.waveNumber,
        code(server.serverId),
        text(server.hostname),
        server.optional ? `${word(server.status)} (optional)` : word(server.status),
        formatClock(server.startTime),
        formatClock(server.launchTime ?? server.failedAt),
        server.durationSeconds === undefined ? undefined : formatSeconds(server.durationSeconds),
        code(server.recoveryInstanceId),
        text(server.failureReason),
      ]),
    ),
    '',
    ...(evidence.rpo ? rpoMarkdown(evidence.rpo, table) : []),
    '## Failures',
    '',
    ...table(
      ['When', 'Scope', 'Wave', 'Server', 'Reason', 'Seq'],
      evidence.failures.map((failure) => [
        instant(failure.at),
        word(failure.scope),
        failure.waveNumber,
        code(failure.serverId),
        md(failure.reason),
        failure.seq,
      ]),
    ),
    '',
    '## Notifications',
    '',
    ...table(
      ['When', 'Outcome', 'About', 'Message id / error', 'Seq'],
      evidence.notifications.map((note) => [
        instant(note.at),
        note.outcome === 'sent' ? 'Sent' : 'Failed',
        `seq ${numeral(note.forSeq)}${note.forType ? ` (${word(note.forType)})` : ''}`,
        note.messageId ? code(note.messageId) : text(note.error),
        note.seq,
      ]),
    ),
    '',
    ...recoveryInstancesSection(evidence.recoveryInstances),
    '## Tamper alarms',
    '',
    `**${tamperAlarmsWord(evidence.tamperAlarms)}**: ${md(describeTamperAlarms(evidence.tamperAlarms))}.`,
    '',
    ...(evidence.tamperAlarms?.length
      ? [
          ...table(
            ['Detected', 'What', 'Seq', 'Seen by', 'Detail', 'Notified', 'Alarm id'],
            evidence.tamperAlarms.map((alarm) => [
              instant(alarm.detectedAt),
              md(tamperKindLabel(alarm)),
              alarm.seq,
              md(tamperSourceLabel(alarm)),
              text(alarm.detail),
              alarm.notified ? 'Yes' : 'No',
              code(alarm.id),
            ]),
          ),
          '',
        ]
      : []),
    '## Ledger integrity',
    '',
    `- Head ${markdownCode(`${ledger.headSeq}:${ledger.headHash}`)} (seq:hash, as \`drs-ledger verify --expected-head\` takes it); ${ledger.eventCount} events in the ledger.`,
    `- Verification **${verificationWord(ledger.verification)}**: ${md(describeVerification(ledger.verification, ledger))}`,
    `- Signed digest **${digestWord(evidence.digests)}**: ${describeDigests(evidence.digests, INLINE)}`,
    // The bucket's texts (an object's key, what a forged digest claims), each on its own line, escaped.
    ...digestProblems(evidence.digests).map((problem) => `  - ${md(problem)}`),
    // In code spans: a renderer that lets HTML through would take <executionId> for a tag.
    '- Each event stores `sha256(previous hash + "\\n" + canonical JSON of the event)`; the first chains from `sha256("drs-ledger:genesis:<executionId>:<planId>")`.',
    '- Ledger heads are sealed in signed digests outside the table: canonical JSON, signed by a KMS key (ECDSA P-256, SHA-256); fetch one with `drs-ledger digests fetch <n>` and check it with `openssl dgst -sha256 -verify`.',
    '',
    '## Definitions',
    '',
    `- ${rto.definition}`,
    `- ${rto.waveDefinition}`,
    `- ${rto.serverDefinition}`,
    ...(evidence.rpo ? [`- ${evidence.rpo.definition}`] : []),
    '- Times are UTC, as recorded in the ledger events (occurredAt).',
    '',
  ];
  return lines.join('\n');
};
