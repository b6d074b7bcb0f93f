import { rpoHtml } from './rpoHtml';
import type { ActorEvidence, ApprovalEvidence, Evidence, RtoVerdict } from './evidence';
import { actorText } from './actorText';
import { approvalOutcome, approvalsSummary, deadlineText, starterRule } from './approvalText';
import {
  ACTION_LABELS,
  describeRto,
  describeVerification,
  escapeHtml,
  formatClock,
  formatInstant,
  formatSeconds,
  title,
  VERDICT_LABELS,
} from './format';
import { describeDigests, digestProblems, digestTone, digestWord } from './digestText';
import { SIMULATED_WORD, simulatedRtoText, simulationSentence, simulationShort, sourceText, targetText } from './placeText';
import { GANTT_COLOURS, renderGanttSvg, targetNote } from './gantt';
import { readinessSummary, severityText } from './readiness';
import { REPORT_CSS } from './reportStyles';
import { describeTamperAlarms, tamperAlarmsWord, tamperKindLabel, tamperSourceLabel } from './tamperAlarmText';

/** Raised alarms are bad news; none is good; a report built without the log says so, neutrally. */
const tamperTone = (alarms: Evidence['tamperAlarms']) => (alarms === undefined ? 'neutral' : alarms.length === 0 ? 'good' : 'bad');
const tamperSummary = (alarms: Evidence['tamperAlarms']): string =>
  `${pill(tamperAlarmsWord(alarms), tamperTone(alarms))} ${e(describeTamperAlarms(alarms))}`;

/** The digest sentence's words as text, its values (a location, a head) as code: both escaped. */
const DIGEST_STYLE = { text: escapeHtml, code: (value: string) => `<code class="hash">${escapeHtml(value)}</code>` };
const digestSummary = (digests: Evidence['digests']): string =>
  `${pill(digestWord(digests), digestTone(digests))} ${describeDigests(digests, DIGEST_STYLE)}`;
/** Each problem the bucket's texts are quoted in, escaped as text, one item each. */
const digestProblemList = (digests: Evidence['digests']): string => {
  const problems = digestProblems(digests);
  return problems.length ? `<ul class="problems">${problems.map((problem) => `<li>${e(problem)}</li>`).join('')}</ul>` : '';
};

const e = (value: string | number | undefined): string => (value === undefined || value === '' ? '—' : escapeHtml(String(value)));
/** An actor, escaped, with how the ledger knows them, marked so that a verified principal never looks like a typed name. */
const actor = (who: ActorEvidence): string =>
  actorText(who, {
    text: escapeHtml,
    name: (safe) => `<strong class="actor-name">${safe}</strong>`,
    mark: (mark, standing) => `<span class="actor ${standing}">${escapeHtml(mark)}</span>`,
    claim: (words) => `<span class="claim">${words}</span>`,
  });
const approvalTone = (approval: ApprovalEvidence) =>
  approval.status === 'granted' ? 'good' : approval.status === 'declined' ? 'bad' : approval.status === 'waiting' ? 'neutral' : 'warn';
/** The waits for approval, then every refused attempt: whole, from the ledger. */
const approvalSection = (approvals: readonly ApprovalEvidence[]): string[] => {
  const refused = approvals.flatMap((approval) => approval.refused.map((attempt) => ({ approval, attempt })));
  return [
    '<h2>Approvals</h2>',
    approvals.length === 0
      ? `<p class="empty">${e(approvalsSummary(approvals))}.</p>`
      : table(
          [
            ['Wave'],
            ['Waiting since'],
            ['Who may approve'],
            ['Deadline'],
            ['Outcome'],
            ['By'],
            ['Comment'],
            ['Ticket'],
            ['When'],
            ['Seq', 'num'],
          ],
          approvals.map((approval) => {
            const decision = approval.decision;
            const decided = decision && decision.outcome !== 'timed-out' ? decision : undefined;
            return {
              failed: approval.status === 'declined',
              cells: [
                `${e(approval.waveNumber)}${approval.waveName === undefined ? '' : ` ${e(approval.waveName)}`}`,
                approval.pausedAt ? e(formatInstant(approval.pausedAt)) : '—',
                `${approval.approvers.map((pattern) => mono(pattern)).join(', ') || 'nobody recorded'}<br><small>${e(starterRule(approval))}</small>`,
                e(deadlineText(approval)),
                pill(approvalOutcome(approval), approvalTone(approval)),
                decided ? actor(decided.by) : '—',
                e(decided?.comment),
                e(decided?.ticket),
                decision ? e(formatInstant(decision.at)) : '—',
                e(decision?.seq),
              ],
            };
          }),
        ),
    ...(refused.length
      ? [
          '<h3>Refused approval attempts</h3>',
          table(
            [['When'], ['Wave', 'num'], ['Tried to'], ['By'], ['Why refused'], ['Seq', 'num']],
            refused.map(({ approval, attempt }) => ({
              failed: true,
              cells: [
                e(formatInstant(attempt.at)),
                e(approval.waveNumber),
                attempt.action === 'APPROVE' ? 'approve' : 'decline',
                actor(attempt.by),
                e(attempt.reason),
                e(attempt.seq),
              ],
            })),
          ),
        ]
      : []),
  ];
};
/** What preflight found at the start, the deviation an override accepted first: whole, from the ledger. */
const readinessSection = (readiness: Evidence['readiness']): string[] => {
  if (!readiness) return ['<h2>Readiness</h2>', `<p class="empty">${e(readinessSummary(readiness))}.</p>`];
  const tone = readiness.deviation ? 'bad' : readiness.totals.blocking > 0 ? 'bad' : readiness.totals.warning > 0 ? 'warn' : 'good';
  return [
    '<h2>Readiness</h2>',
    `<p>Preflight at ${e(formatInstant(readiness.assessedAt))} (seq ${e(readiness.seq)}): ${pill(readinessSummary(readiness), tone)}</p>`,
    ...(readiness.deviation
      ? [
          '<h3>Accepted deviation</h3>',
          table(
            [['Deviation'], ['Accepted by'], ['Reason']],
            [{ failed: true, cells: ['Started despite BLOCKING findings', actor(readiness.deviation), e(readiness.deviation.reason)] }],
          ),
        ]
      : []),
    readiness.findings.length === 0
      ? '<p class="empty">No finding.</p>'
      : table(
          [['Severity'], ['Code'], ['Wave', 'num'], ['Server'], ['Reason']],
          readiness.findings.map((finding) => ({
            failed: finding.severity === 'BLOCKING',
            cells: [
              pill(severityText(finding.severity), finding.severity === 'BLOCKING' ? 'bad' : 'warn'),
              e(finding.code),
              e(finding.waveNumber),
              mono(finding.serverId),
              e(finding.reason),
            ],
          })),
        ),
    ...(readiness.omitted ? [`<p class="empty">${e(readiness.omitted)} more finding(s) counted, not recorded.</p>`] : []),
  ];
};
const mono = (value: string | undefined): string => (value ? `<code>${escapeHtml(value)}</code>` : '—');
const pill = (text: string, tone: 'good' | 'bad' | 'neutral' | 'warn'): string => `<span class="pill ${tone}">${escapeHtml(text)}</span>`;
const verdictTone = (verdict: RtoVerdict) =>
  verdict === 'met' ? 'good' : verdict === 'missed' ? 'bad' : verdict === 'in-progress' ? 'warn' : 'neutral';
const statusTone = (status: string) =>
  status === 'COMPLETED' || status === 'LAUNCHED'
    ? 'good'
    : status === 'FAILED' || status === 'TERMINATED'
      ? 'bad'
      : status === 'CANCELLED'
        ? 'warn'
        : 'neutral';

const table = (header: Array<[string, 'num'?]>, rows: Array<{ cells: string[]; failed?: boolean }>): string =>
  rows.length === 0
    ? '<p class="empty">None.</p>'
    : `<table><thead><tr>${header.map(([name, kind]) => `<th${kind ? ' class="num"' : ''}>${escapeHtml(name)}</th>`).join('')}</tr></thead><tbody>${rows
        .map(
          (row) =>
            `<tr${row.failed ? ' class="failed"' : ''}>${row.cells.map((cell, index) => `<td${header[index]?.[1] ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`,
        )
        .join('')}</tbody></table>`;

const card = (label: string, value: string, sub: string): string =>
  `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;

const cards = (evidence: Evidence): string => {
  const { rto, ledger } = evidence;
  const launched = evidence.servers.filter((server) => server.status === 'LAUNCHED').length;
  const failed = evidence.servers.filter((server) => server.status === 'FAILED' || server.status === 'TERMINATED').length;
  const completedWaves = evidence.waves.filter((wave) => wave.status === 'COMPLETED').length;
  return `<section class="cards">${[
    ...(rto.simulated ? [simulatedRtoCard(rto.simulated)] : []),
    card(
      evidence.simulation ? 'Measured RTO (real time)' : 'Measured RTO',
      rto.overall.measuredSeconds === undefined
        ? '<span class="small">Not recovered</span>'
        : escapeHtml(formatSeconds(rto.overall.measuredSeconds)),
      `${pill(VERDICT_LABELS[rto.overall.verdict], verdictTone(rto.overall.verdict))} ${rto.overall.targetMinutes === undefined ? 'no target' : `target ${e(rto.overall.targetMinutes)}m`}`,
    ),
    card('Status', pill(evidence.execution.status, statusTone(evidence.execution.status)), escapeHtml(evidence.execution.executionType)),
    card('Waves', `${completedWaves} / ${evidence.waves.length}`, 'completed'),
    card('Servers', `${launched} / ${evidence.servers.length}`, `launched${failed ? `, <strong>${failed} failed</strong>` : ''}`),
    card(
      'Time paused',
      escapeHtml(formatSeconds(rto.pausedSeconds)),
      `${evidence.pauses.length} pause${evidence.pauses.length === 1 ? '' : 's'}, in the RTO`,
    ),
    card('Ledger', ledger.verification.ok ? pill('VERIFIED', 'good') : pill('TAMPERED', 'bad'), `${ledger.eventCount} events`),
  ].join('')}</section>`;
};

/** The RTO a simulated run is meant to show: in simulated DRS time, marked as such. */
const simulatedRtoCard = (simulated: NonNullable<Evidence['rto']['simulated']>): string =>
  card(
    `RTO · simulated DRS time`,
    simulated.measuredSeconds === undefined
      ? '<span class="small">Not recovered</span>'
      : escapeHtml(formatSeconds(simulated.measuredSeconds)),
    `${pill(VERDICT_LABELS[simulated.verdict], verdictTone(simulated.verdict))} ${simulated.targetMinutes === undefined ? 'no target' : `target ${e(simulated.targetMinutes)}m`} · ×${e(simulated.speed)}`,
  );

const legend = (evidence: Evidence): string => {
  const items: Array<[string, string, boolean?]> = [
    ['Wave', GANTT_COLOURS.waveCompleted],
    ['Wave failed', GANTT_COLOURS.waveFailed],
    ['Server launched', GANTT_COLOURS.serverLaunched],
    ['Server failed', GANTT_COLOURS.serverFailed],
    ['In progress / not finished', GANTT_COLOURS.serverActive],
    ['Paused', GANTT_COLOURS.pause],
    ['Recovered', GANTT_COLOURS.recovered, true],
    ['RTO target', GANTT_COLOURS.target, true],
  ];
  const note = targetNote(evidence);
  return `<div class="legend">${items.map(([name, colour, line]) => `<span${line ? ' class="line"' : ''} style="--swatch:${colour}">${escapeHtml(name)}</span>`).join('')}</div>${
    note ? `<p class="note">${escapeHtml(note)}</p>` : ''
  }`;
};

const facts = (evidence: Evidence): string => {
  const { execution, plan, ledger, rto } = evidence;
  const rows: Array<[string, string]> = [
    ['Execution', mono(execution.executionId)],
    ['Plan', `${e(plan.planName)} ${mono(plan.planId)} · ${plan.waves.length} waves, ${evidence.servers.length} servers`],
    ['Type', e(execution.executionType)],
    ['Started', e(formatInstant(execution.startTime))],
    ['Started by', actor(execution.startedBy)],
    ['Ended', execution.endTime ? e(formatInstant(execution.endTime)) : `not ended (${e(execution.status)})`],
    ['Duration', execution.durationSeconds === undefined ? '—' : e(formatSeconds(execution.durationSeconds))],
    [evidence.simulation ? 'Measured RTO (real time)' : 'Measured RTO', e(describeRto(rto.overall))],
    ...(rto.simulated
      ? ([['RTO in simulated DRS time', `${pill(SIMULATED_WORD, 'warn')} ${e(simulatedRtoText(rto.simulated))}`]] as Array<
          [string, string]
        >)
      : []),
    ['Approvals', e(approvalsSummary(evidence.approvals))],
    ...(execution.failureReason ? ([['Failure', e(execution.failureReason)]] as Array<[string, string]>) : []),
    ['State machine execution', mono(execution.stateMachineArn)],
    ['Target account', e(targetText(evidence.accounts.target))],
    ['Source servers', e(sourceText(evidence.accounts.source))],
    ...(evidence.simulation
      ? ([['DRS', `${pill(SIMULATED_WORD, 'warn')} ${e(simulationShort(evidence.simulation))}`]] as Array<[string, string]>)
      : []),
    ['Ledger head', `<code class="hash">${escapeHtml(`${ledger.headSeq}:${ledger.headHash}`)}</code>`],
    ['Ledger events', `${ledger.eventCount} (head at seq ${ledger.headSeq})`],
    [
      'Verification',
      `${ledger.verification.ok ? pill('PASSED', 'good') : pill('FAILED', 'bad')} ${e(describeVerification(ledger.verification, ledger))}`,
    ],
    ['Tamper alarms', tamperSummary(evidence.tamperAlarms)],
    ['Signed digest', digestSummary(evidence.digests)],
  ];
  return `<dl class="facts">${rows.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${value}</dd>`).join('')}</dl>`;
};

const INSTANCE_STATE_LABELS = { gone: 'GONE', terminating: 'TERMINATING', running: 'STILL RUNNING', 'kept-alive': 'KEPT ALIVE' } as const;
const instanceTone = (state: string) => (state === 'gone' ? 'good' : state === 'kept-alive' ? 'neutral' : 'bad');

/** A DRILL's recovery instances: each launched one, when it was terminated and confirmed gone, and the verdict. */
const recoveryInstancesSection = (found: Evidence['recoveryInstances']): string[] =>
  found === undefined
    ? []
    : [
        '<h2>Recovery instances</h2>',
        `<p>${pill(found.verdict.ok ? 'CLEAN' : 'NOT CLEAN', found.verdict.ok ? 'good' : 'bad')} ${e(found.verdict.text)}${
          found.cleanup.dueAt && found.cleanup.keepAliveMinutes
            ? ` · kept alive ${e(found.cleanup.keepAliveMinutes)} min, until ${e(formatInstant(found.cleanup.dueAt))}`
            : ''
        }</p>`,
        table(
          [
            ['Wave', 'num'],
            ['Server'],
            ['Hostname'],
            ['Recovery instance'],
            ['Launched'],
            ['Termination requested'],
            ['Confirmed gone'],
            ['State'],
          ],
          found.instances.map((instance) => ({
            failed: instance.state === 'running' || instance.state === 'terminating',
            cells: [
              e(instance.waveNumber),
              mono(instance.serverId),
              e(instance.hostname),
              mono(instance.recoveryInstanceId),
              instance.launchedAt
                ? e(formatInstant(instance.launchedAt))
                : e(instance.foundAt && `found by the cleanup ${formatInstant(instance.foundAt)}`),
              e(instance.terminationRequestedAt && formatInstant(instance.terminationRequestedAt)),
              e(instance.goneAt && formatInstant(instance.goneAt)),
              pill(INSTANCE_STATE_LABELS[instance.state] ?? String(instance.state), instanceTone(instance.state)),
            ],
          })),
        ),
        ...(found.cleanup.failures.length
          ? [
              table(
                [['Cleanup failed'], ['Attempt', 'num'], ['Error'], ['Still running', 'num'], ['Next attempt']],
                found.cleanup.failures.map((failure) => ({
                  failed: true,
                  cells: [
                    e(formatInstant(failure.at)),
                    e(failure.attempt),
                    e(failure.error),
                    e(failure.remaining),
                    e(formatInstant(failure.nextAttemptAt)),
                  ],
                })),
              ),
            ]
          : []),
      ];

const sections = (evidence: Evidence): string[] => {
  const { rto, ledger } = evidence;
  return [
    '<h2>Operator actions</h2>',
    table(
      [['When'], ['Action'], ['By'], ['Detail'], ['Seq', 'num']],
      evidence.actions.map((action) => ({
        cells: [e(formatInstant(action.at)), e(ACTION_LABELS[action.action]), actor(action), e(action.detail), e(action.seq)],
      })),
    ),
    ...(evidence.pauses.length
      ? [
          '<h3>Pauses</h3>',
          table(
            [['From'], ['To'], ['Paused for', 'num'], ['Where'], ['Paused by'], ['Resumed by']],
            evidence.pauses.map((pause) => ({
              cells: [
                e(formatClock(pause.from)),
                pause.to ? e(formatClock(pause.to)) : 'still paused',
                pause.seconds === undefined ? '—' : e(formatSeconds(pause.seconds)),
                e(
                  pause.reason === 'PAUSE_BEFORE_WAVE'
                    ? `before wave ${pause.nextWave} (plan)`
                    : `after wave ${pause.afterWave} (requested)`,
                ),
                actor(pause.requestedByActor),
                pause.resumedByActor ? actor(pause.resumedByActor) : '—',
              ],
            })),
          ),
        ]
      : []),
    ...approvalSection(evidence.approvals),
    ...readinessSection(evidence.readiness),
    '<h2>Waves</h2>',
    table(
      [
        ['#', 'num'],
        ['Wave'],
        ['Status'],
        ['Started'],
        ['Ended'],
        ['Duration', 'num'],
        ['RTO from start', 'num'],
        ['Verdict'],
        ['DRS job'],
        ['Attempts', 'num'],
      ],
      evidence.waves.map((wave) => ({
        failed: wave.status === 'FAILED',
        cells: [
          e(wave.waveNumber),
          `${e(wave.waveName)}${wave.failureReason ? `<br><small>${e(wave.failureReason)}</small>` : ''}`,
          pill(wave.status, statusTone(wave.status)),
          e(formatClock(wave.startTime)),
          e(formatClock(wave.endTime)),
          wave.durationSeconds === undefined ? '—' : e(formatSeconds(wave.durationSeconds)),
          wave.rto.measuredSeconds === undefined ? e(wave.rto.note) : e(formatSeconds(wave.rto.measuredSeconds)),
          pill(VERDICT_LABELS[wave.rto.verdict], verdictTone(wave.rto.verdict)),
          mono(wave.drsJobId),
          e(wave.startAttempts),
        ],
      })),
    ),
    '<h2>Servers</h2>',
    table(
      [
        ['Wave', 'num'],
        ['Hostname'],
        ['Source server'],
        ['Status'],
        ['Wave start'],
        ['Launched / failed'],
        ['Time to launch', 'num'],
        ['Recovery instance'],
        ['Failure reason (DRS)'],
      ],
      evidence.servers.map((server) => ({
        failed: server.status === 'FAILED' || server.status === 'TERMINATED',
        cells: [
          e(server.waveNumber),
          e(server.hostname),
          mono(server.serverId),
          server.optional
            ? `${pill(server.status, statusTone(server.status))} ${e('(optional)')}`
            : pill(server.status, statusTone(server.status)),
          e(formatClock(server.startTime)),
          e(formatClock(server.launchTime ?? server.failedAt)),
          server.durationSeconds === undefined ? '—' : e(formatSeconds(server.durationSeconds)),
          mono(server.recoveryInstanceId),
          e(server.failureReason),
        ],
      })),
    ),
    ...(evidence.rpo ? rpoHtml(evidence.rpo, { table, pill, mono }) : []),
    '<h2>Failures</h2>',
    table(
      [['When'], ['Scope'], ['Wave', 'num'], ['Server'], ['Reason'], ['Seq', 'num']],
      evidence.failures.map((failure) => ({
        failed: true,
        cells: [
          e(formatInstant(failure.at)),
          e(failure.scope),
          e(failure.waveNumber),
          mono(failure.serverId),
          e(failure.reason),
          e(failure.seq),
        ],
      })),
    ),
    '<h2>Notifications</h2>',
    table(
      [['When'], ['Outcome'], ['About'], ['Message id / error'], ['Seq', 'num']],
      evidence.notifications.map((note) => ({
        failed: note.outcome === 'failed',
        cells: [
          e(formatInstant(note.at)),
          note.outcome === 'sent' ? pill('SENT', 'good') : pill('FAILED', 'bad'),
          e(`seq ${note.forSeq}${note.forType ? ` (${note.forType})` : ''}`),
          note.messageId ? mono(note.messageId) : e(note.error),
          e(note.seq),
        ],
      })),
    ),
    ...recoveryInstancesSection(evidence.recoveryInstances),
    '<h2>Tamper alarms</h2>',
    `<p>${tamperSummary(evidence.tamperAlarms)}</p>`,
    ...(evidence.tamperAlarms?.length
      ? [
          table(
            [['Detected'], ['What'], ['Seq', 'num'], ['Seen by'], ['Detail'], ['Notified'], ['Alarm id']],
            evidence.tamperAlarms.map((alarm) => ({
              failed: true,
              cells: [
                e(formatInstant(alarm.detectedAt)),
                e(tamperKindLabel(alarm)),
                e(alarm.seq),
                e(tamperSourceLabel(alarm)),
                e(alarm.detail),
                alarm.notified ? pill('SENT', 'good') : pill('NOT SENT', 'warn'),
                mono(alarm.id),
              ],
            })),
          ),
        ]
      : []),
    '<h2>Ledger integrity</h2>',
    `<p>${ledger.verification.ok ? pill('PASSED', 'good') : pill('FAILED', 'bad')} ${e(describeVerification(ledger.verification, ledger))}</p>`,
    `<p>Head <code class="hash">${escapeHtml(`${ledger.headSeq}:${ledger.headHash}`)}</code> (seq:hash, as <code>drs-ledger verify --expected-head</code> takes it). Each event stores sha256(previous hash + "\\n" + canonical JSON of the event); the first chains from sha256("drs-ledger:genesis:&lt;executionId&gt;:&lt;planId&gt;"), so anyone holding an export can recompute it.</p>`,
    `<p>Signed digest: ${digestSummary(evidence.digests)}</p>`,
    digestProblemList(evidence.digests),
    '<p>Ledger heads are sealed in signed digests outside the table: canonical JSON, signed by a KMS key (ECDSA P-256, SHA-256); fetch one with <code>drs-ledger digests fetch &lt;n&gt;</code> and check it with <code>openssl dgst -sha256 -verify</code>.</p>',
    '<h2>Definitions</h2>',
    `<ul class="definitions"><li>${e(rto.definition)}</li><li>${e(rto.waveDefinition)}</li><li>${e(rto.serverDefinition)}</li>${evidence.rpo ? `<li>${e(evidence.rpo.definition)}</li>` : ''}<li>Times are UTC, as recorded in the ledger events (occurredAt).</li></ul>`,
  ];
};

/**
 * The evidence as one self-contained HTML file: inline CSS, the timeline as an inline SVG drawn here,
 * no script, no font, image or stylesheet fetched from anywhere. Readable on screen and on paper.
 */
export const renderHtml = (evidence: Evidence): string => {
  const heading = title(evidence);
  const kind = evidence.execution.executionType === 'DRILL' ? 'Drill' : 'Recovery';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // A browser tab and a printed page's header say it too: the banner alone scrolls away.
    `<title>${evidence.simulation ? 'SIMULATED · ' : ''}${escapeHtml(heading)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<header class="masthead"><div class="eyebrow">AWS DRS · ${kind} evidence report${evidence.simulation ? ` · ${SIMULATED_WORD}` : ''}</div><h1>${escapeHtml(evidence.plan.planName)}</h1>`,
    `<div class="meta">Execution <code>${escapeHtml(evidence.execution.executionId)}</code> · ${escapeHtml(evidence.execution.executionType)} · started ${escapeHtml(formatInstant(evidence.execution.startTime))} by ${actorText(evidence.execution.startedBy, { text: escapeHtml })}</div></header>`,
    evidence.simulation
      ? `<p class="simulated"><strong>${escapeHtml(SIMULATED_WORD)}</strong> ${escapeHtml(simulationSentence(evidence))}</p>`
      : '',
    evidence.imported
      ? `<p class="imported"><strong>${escapeHtml(evidence.imported.note)}</strong> · import <code>${escapeHtml(evidence.imported.importId)}</code> · sealed ${escapeHtml(formatInstant(evidence.imported.sealedAt))} · head <code>${escapeHtml(`${evidence.imported.eventCount}:${evidence.imported.headHash}`)}</code></p>`
      : '',
    cards(evidence),
    '<h2>Timeline</h2>',
    legend(evidence),
    `<div class="chart">${renderGanttSvg(evidence)}</div>`,
    '<h2>Summary</h2>',
    facts(evidence),
    ...sections(evidence),
    `<footer>Generated from the execution ledger alone (evidence format ${evidence.formatVersion}). Ledger head ${escapeHtml(evidence.ledger.headHash)}.</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
};
