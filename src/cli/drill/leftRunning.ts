import type { Details } from '../render/details';
import { shown } from '../render/terminalText';
import { cancelCommand, cli, drillAgain, type HintContext, resumeCommand, statusCommand } from './commandHints';
import { describeExecution } from './leftovers';

/**
 * What a drill that stops watching (Ctrl-C, its timeout) says of the execution it leaves: the execution stays
 * in the ledger as it stands (never cancelled for the operator), and the exact commands to follow, resume or
 * cancel it. When the drill owned the stack, those need a stack again: `serve`, or the drill itself with --follow.
 */
export const leftRunningLines = (details: Details, hints: HintContext, role: 'owner' | 'client', why: string): string[] => {
  const { executionId, planId } = details;
  const ended = ['COMPLETED', 'FAILED', 'CANCELLED'].includes(details.status);
  if (ended) return [`${why}: execution ${shown(executionId)} has ended (${shown(details.status)}): nothing is left running.`];
  const needsStack = role === 'owner' ? `   (with \`${cli(hints)} serve\` running in another shell)` : '';
  return [
    `${why}: execution ${describeExecution(details)} is left as it stands: not cancelled, and DRS jobs already started go on.`,
    `  follow it:  ${drillAgain({ ...hints, type: details.executionType }, '--follow')}`,
    `  watch it:   ${statusCommand(hints, executionId)}`,
    ...(details.status === 'PAUSED' ? [`  resume it:  ${resumeCommand(hints, executionId, planId)}${needsStack}`] : []),
    `  cancel it:  ${cancelCommand(hints, executionId, planId)}${needsStack}`,
    `              or ${drillAgain(hints, '--cancel-leftover')} (then a new ${hints.type} starts)`,
  ];
};
