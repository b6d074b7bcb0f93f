import { type Command, InvalidArgumentError } from 'commander';
import { runWaveRecovery, type WaveRecoveryOptions } from './waveRecovery';

const waveNumber = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 100) throw new InvalidArgumentError('must be a wave number from 1 to 100');
  return parsed;
};

const retryRound = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 100) throw new InvalidArgumentError('must be a retry round from 1 to 100');
  return parsed;
};

type CommandOptions = Omit<WaveRecoveryOptions, 'wave'> & { wave: number };

/** `retry` and `skip`: an operator's answer to an execution paused on a failed wave (plans with onWaveFailure PAUSE). */
export const registerWaveRecovery = (
  program: Command,
  dataDir: () => string,
  out: NodeJS.WritableStream,
  setExit: (code: number) => void,
): void => {
  const common = (command: Command): Command =>
    command
      .requiredOption('--wave <n>', 'the failed wave the execution is paused on', waveNumber)
      .option('--plan-id <id>', "the execution's plan (default: as its ledger says)")
      .option('--initiated-by <who>', 'who asks (with --as: a name kept beside the verified principal)')
      .option('--as <user>', 'sign as this local user (serve --users) and call the operator API: the ledger records its principal')
      .option('--api', "with --stage: call the stack's operator API signed with your own AWS credentials (your principal is recorded)")
      .option('--endpoint <url>', "Lambda endpoint, or with --as the operator API's (default: the running serve's)");
  common(
    program
      .command('retry <executionId>')
      .description('relaunch the servers of a failed wave that did not launch (a new DRS job of those only); the execution goes on')
      .option(
        '--round <n>',
        "the retry round meant (the wave's last + 1): a repeat of an earlier round's command starts nothing",
        retryRound,
      ),
  ).action(async (executionId: string, options: CommandOptions) =>
    setExit(await runWaveRecovery('retry_wave', dataDir(), executionId, options, out)),
  );
  common(
    program
      .command('skip <executionId>')
      .description('accept a failed wave as it is and go on to the next wave: recorded as a deviation, with its reason and who skipped')
      .requiredOption('--reason <text>', 'why the wave is skipped (1 to 1024 characters)'),
  ).action(async (executionId: string, options: CommandOptions) =>
    setExit(await runWaveRecovery('skip_wave', dataDir(), executionId, options, out)),
  );
};
