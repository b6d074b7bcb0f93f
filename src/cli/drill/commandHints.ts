import { shellWord } from '../shellWord';
import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR } from '../dataDir';

/** What a hint needs of the drill: where, which plan and type, which operator. */
export interface HintContext {
  dataDir: string;
  /** The plan file the drill was given (absent: the bundled sample). */
  planFile?: string;
  type: 'DRILL' | 'RECOVERY';
  operator: 'simulated' | 'manual';
  /** The moment the drill recovers every server as of (--recover-as-of). */
  recoverAsOf?: string;
}

const arg = shellWord;

/** `drs-ledger`, with the data folder when it is not the default one (the other shell must name the same). */
export const cli = (context: Pick<HintContext, 'dataDir'>): string =>
  resolve(context.dataDir) === resolve(DEFAULT_DATA_DIR) ? 'drs-ledger' : `drs-ledger --data-dir ${arg(context.dataDir)}`;

/** This drill again, with `extra` (--follow, --cancel-leftover). */
export const drillAgain = (context: HintContext, extra: string): string =>
  [
    `${cli(context)} drill`,
    ...(context.planFile ? [`--plan ${arg(context.planFile)}`] : []),
    ...(context.type === 'DRILL' ? [] : [`--type ${context.type}`]),
    ...(context.operator === 'manual' ? ['--operator manual'] : []),
    ...(context.recoverAsOf ? [`--recover-as-of ${arg(context.recoverAsOf)}`] : []),
    extra,
  ].join(' ');

export const resumeCommand = (context: HintContext, executionId: string, planId: string): string =>
  `${cli(context)} invoke resume --execution-id ${arg(executionId)} --plan-id ${arg(planId)} --initiated-by <you>`;

export const approveCommand = (context: HintContext, executionId: string, waveNumber: number): string =>
  `${cli(context)} invoke approve --execution-id ${arg(executionId)} --as <approver> --comment "Wave ${waveNumber - 1} checked"`;

export const cancelCommand = (context: HintContext, executionId: string, planId: string): string =>
  `${cli(context)} invoke cancel --execution-id ${arg(executionId)} --plan-id ${arg(planId)} --reason "<why>"`;

export const statusCommand = (context: HintContext, executionId: string): string => `${cli(context)} status ${arg(executionId)}`;
