import type { ExecutionType } from '../execution/vocabulary';
import { boundText, revealInvisible } from '../text';
import { fitSnsSubject } from './snsSubject';

/** What a wave-failed notice is made from: the execution paused on the failure, as the ledger holds it. */
export interface WaveFailureFacts {
  executionId: string;
  planId: string;
  planName: string;
  executionType: ExecutionType;
  waveNumber: number;
  waveName: string;
  pausedAt: string;
  /** The wave's failure reason as the ledger keeps it (bounded). */
  reason: string;
  /** The wave's servers that did not launch (at most a wave's 200), and how many it has. */
  failedServers: number;
  totalServers: number;
  /** Retry rounds already run for the wave. */
  retries: number;
  /** The ExecutionPaused the notice is about. */
  pauseSeq: number;
}

/** How much of the wave's failure reason the notice quotes. */
const QUOTED_REASON_BYTES = 1024;

/**
 * The notification that a wave failed and the execution waits for an operator (the plan's onWaveFailure PAUSE):
 * what failed, and the commands to retry its failed servers or skip it with a reason. Texts from the ledger are
 * shown with their invisible characters as escapes: none can forge a line.
 */
export const waveFailureNotice = (facts: WaveFailureFacts): { subject: string; message: string; attributes: Record<string, string> } => {
  const retried = facts.retries > 0 ? ` after ${facts.retries} retr${facts.retries === 1 ? 'y' : 'ies'}` : '';
  const message = [
    `Wave failed: ${facts.executionType} ${facts.executionId} of plan "${revealInvisible(facts.planName)}" (${facts.planId})`,
    `paused on the failure of wave ${facts.waveNumber} (${revealInvisible(facts.waveName)})${retried} at ${facts.pausedAt}:`,
    `${facts.failedServers} of its ${facts.totalServers} servers did not launch.`,
    `  ${revealInvisible(boundText(facts.reason, QUOTED_REASON_BYTES))}`,
    '',
    'It waits for an operator. To relaunch only the servers that did not launch (a new DRS job of those):',
    `  drs-ledger retry ${facts.executionId} --wave ${facts.waveNumber}`,
    `  or on the operator API: POST /executions/${facts.executionId}/retry {"waveNumber": ${facts.waveNumber}}`,
    'To accept the wave as it is and go on (recorded as a deviation, with your reason):',
    `  drs-ledger skip ${facts.executionId} --wave ${facts.waveNumber} --reason "<why>"`,
    `  or on the operator API: POST /executions/${facts.executionId}/skip {"waveNumber": ${facts.waveNumber}, "reason": "<why>"}`,
    'Or cancel the execution.',
    '',
    `See it: drs-ledger status ${facts.executionId}`,
  ].join('\n');
  return {
    subject: fitSnsSubject(
      `Wave failed: ${facts.executionType.toLowerCase()} wave ${facts.waveNumber} of ${facts.planName}, retry or skip`,
    ),
    message,
    attributes: {
      executionId: facts.executionId,
      planId: facts.planId,
      status: 'PAUSED',
      notice: 'WaveFailed',
      waveNumber: String(facts.waveNumber),
      pauseSeq: String(facts.pauseSeq),
    },
  };
};
