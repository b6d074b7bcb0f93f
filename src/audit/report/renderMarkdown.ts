import type { Evidence } from './evidence';
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

/** A table cell: one line, pipes escaped. */
const cell = (value: string | number | undefined): string =>
  value === undefined || value === ''
    ? '—'
    : String(value)
        .replace(/\|/g, '\\|')
        .replace(/\s*\n\s*/g, ' ');
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
const code = (text: string | undefined): string | undefined => (text ? `\`${text}\`` : undefined);

/** The evidence as a Markdown document: facts first, then the timelines, failures and the proof. */
export const renderMarkdown = (evidence: Evidence): string => {
  const { execution, plan, rto, ledger } = evidence;
  const lines: string[] = [
    `# ${title(evidence)}`,
    '',
    `Execution ${code(execution.executionId)} · ${execution.executionType} · **${execution.status}**`,
    '',
    ...table(
      ['Fact', 'Value'],
      [
        ['Plan', `${plan.planName} (${code(plan.planId)}), ${plan.waves.length} waves, ${evidence.servers.length} servers`],
        ['Started', `${formatInstant(execution.startTime)} by ${execution.initiatedBy}`],
        ['Ended', execution.endTime ? formatInstant(execution.endTime) : `not ended (${execution.status})`],
        ['Duration', execution.durationSeconds === undefined ? undefined : formatSeconds(execution.durationSeconds)],
        ['Measured RTO', describeRto(rto.overall)],
        ['Time paused', `${formatSeconds(rto.pausedSeconds)} (included in the measured RTO)`],
        ['Failure', execution.failureReason],
        ['State machine execution', code(execution.stateMachineArn)],
        ['Account', execution.accountId ? `${execution.accountId} (${execution.region ?? ''})` : undefined],
        ['Ledger head hash', code(ledger.headHash)],
        ['Ledger events', `${ledger.eventCount} (head at seq ${ledger.headSeq})`],
        ['Verification', `**${verificationWord(ledger.verification)}**: ${describeVerification(ledger.verification, ledger)}`],
      ],
    ),
    '',
    '## Operator actions',
    '',
    ...table(
      ['When', 'Action', 'By', 'Detail', 'Seq'],
      evidence.actions.map((action) => [formatInstant(action.at), ACTION_LABELS[action.action], action.by, action.detail, action.seq]),
    ),
    '',
    ...(evidence.pauses.length
      ? [
          '### Pauses',
          '',
          ...table(
            ['From', 'To', 'Paused for', 'Where', 'Paused by', 'Resumed by'],
            evidence.pauses.map((pause) => [
              formatInstant(pause.from),
              pause.to ? formatInstant(pause.to) : 'still paused',
              pause.seconds === undefined ? undefined : formatSeconds(pause.seconds),
              pause.reason === 'PAUSE_BEFORE_WAVE' ? `before wave ${pause.nextWave} (plan)` : `after wave ${pause.afterWave} (requested)`,
              pause.requestedBy,
              pause.resumedBy,
            ]),
          ),
          '',
        ]
      : []),
    '## Waves',
    '',
    ...table(
      ['#', 'Wave', 'Status', 'Started', 'Ended', 'Duration', 'RTO from start', 'Verdict', 'DRS job', 'Attempts'],
      evidence.waves.map((wave) => [
        wave.waveNumber,
        wave.waveName,
        wave.status,
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
        server.hostname,
        server.status,
        formatClock(server.startTime),
        formatClock(server.launchTime ?? server.failedAt),
        server.durationSeconds === undefined ? undefined : formatSeconds(server.durationSeconds),
        code(server.recoveryInstanceId),
        server.failureReason,
      ]),
    ),
    '',
    '## Failures',
    '',
    ...table(
      ['When', 'Scope', 'Wave', 'Server', 'Reason', 'Seq'],
      evidence.failures.map((failure) => [
        formatInstant(failure.at),
        failure.scope,
        failure.waveNumber,
        code(failure.serverId),
        failure.reason,
        failure.seq,
      ]),
    ),
    '',
    '## Notifications',
    '',
    ...table(
      ['When', 'Outcome', 'About', 'Message id / error', 'Seq'],
      evidence.notifications.map((note) => [
        formatInstant(note.at),
        note.outcome === 'sent' ? 'Sent' : 'Failed',
        `seq ${note.forSeq}${note.forType ? ` (${note.forType})` : ''}`,
        note.messageId ? code(note.messageId) : note.error,
        note.seq,
      ]),
    ),
    '',
    '## Ledger integrity',
    '',
    `- Head hash: ${code(ledger.headHash)} at seq ${ledger.headSeq}; ${ledger.eventCount} events in the ledger.`,
    `- Verification **${verificationWord(ledger.verification)}**: ${describeVerification(ledger.verification, ledger)}`,
    '- Each event stores sha256(previous hash + "\\n" + canonical JSON of the event); the first chains from sha256("drs-ledger:genesis:<executionId>:<planId>").',
    '',
    '## Definitions',
    '',
    `- ${rto.definition}`,
    `- ${rto.waveDefinition}`,
    `- ${rto.serverDefinition}`,
    '- Times are UTC, as recorded in the ledger events (occurredAt).',
    '',
  ];
  return lines.join('\n');
};
