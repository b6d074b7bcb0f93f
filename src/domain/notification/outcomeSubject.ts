import type { ExecutionType } from '../execution/vocabulary';
import { fitSnsSubject } from './snsSubject';

export interface Outcome {
  executionType: ExecutionType;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
}

/** FAILED in capitals: it is the one an operator must not miss in an inbox. */
const VERB: Record<Outcome['status'], string> = { COMPLETED: 'completed', FAILED: 'FAILED', CANCELLED: 'cancelled' };

/**
 * The Subject of an outcome notification, e.g. `DRS drill completed: Three-tier web shop`. Plan names
 * run to 256 characters and a ledger written before names were checked may hold line breaks, so the
 * name is what gets cut or cleaned: the outcome always stays readable, and SNS always accepts it.
 */
export const outcomeSubject = (outcome: Outcome, planName: string): string =>
  fitSnsSubject(`DRS ${outcome.executionType.toLowerCase()} ${VERB[outcome.status]}: ${planName}`);
