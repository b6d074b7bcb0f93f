import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { runCheck, runExport, runImport, runImports, runRebuild, runReplay } from './commands/audit';
import { runConsole } from './commands/console';
import { runDigestsFetch, runDigestsList, runDigestsVerify } from './commands/digests';
import { runDrill } from './commands/drill';
import { type ReportFormat, runReport } from './commands/report';
import { runEvents, runStatus } from './commands/inspect';
import { DEFAULT_EXECUTIONS_LIMIT, MAX_EXECUTIONS_LIMIT, runExecutions } from './commands/executions';
import { runInvoke } from './commands/invoke';
import { runPreflight } from './commands/preflight';
import { listPlans, loadPlans } from './commands/plans';
import { DEFAULT_CONSOLE_PORT, DEFAULT_LAMBDA_PORT, DEFAULT_OPERATOR_API_PORT, runServe } from './commands/serve';
import { runVerify } from './commands/verify';
import { registerWaveRecovery } from './commands/waveRecoveryCommands';
import { resolveDataDir } from './dataDir';
import { checkedStage, stackServiceTrouble } from './deployedStack';
import { inStackScope, selectStack } from './deployedStackScope';
import { EXIT, UsageError } from './exitCodes';
import type { ProgressMode } from './render/progress';
import { shownLines } from './render/terminalText';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const IMPORTED_OPTION = '--imported';
const IMPORTED_HELP = 'an imported execution (a sealed import: evidence only, never driven by this stack)';

const positiveNumber = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive number');
  return parsed;
};
const positiveInteger = (value: string): number => {
  const parsed = positiveNumber(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('must be a whole number');
  return parsed;
};

const port = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
    throw new InvalidArgumentError('must be a port number (0 picks a free one)');
  return parsed;
};

const DEPLOYED_TABLES =
  "the deployed stack's tables, not the local ledger: named as the functions get them (EVENTS_TABLE, EXECUTIONS_TABLE, or DRS_LEDGER_TABLE_PREFIX), in AWS_REGION, with the default AWS credentials";

const DEPLOYED_DIGESTS =
  "the deployed stack's signed digest chain, not the data folder's: the bucket DIGEST_BUCKET (under DIGEST_PREFIX) and the key DIGEST_KEY_ID, in AWS_REGION, with the default AWS credentials";

const OPERATIONS = [
  'find',
  'poll',
  'finalize',
  'pause',
  'resume',
  'approve',
  'decline',
  'cancel',
  'retry_wave',
  'skip_wave',
  'start_execution',
  'get_execution_details',
  'preflight',
];
/** Only on the operator API (with --as). */
const API_OPERATIONS = ['list_plans', 'list_executions'];

const EXECUTION_STATUSES = ['RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'];

const executionsLimit = (value: string): number => {
  const parsed = positiveInteger(value);
  if (parsed > MAX_EXECUTIONS_LIMIT) throw new InvalidArgumentError(`must be at most ${MAX_EXECUTIONS_LIMIT}`);
  return parsed;
};

/** The global options every command reads: where the local ledger is, or which deployed stack to work on. */
interface GlobalOptions {
  dataDir?: string;
  stage?: string;
  region?: string;
  profile?: string;
}

/** `plans load`, `digests verify`: a command's name under the program. */
const commandPath = (command: Command): string => {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
};

/** The region of the local stack (its ARNs, its operator API's signing scope). */
const LOCAL_REGION = 'us-east-1';

/** Commands that run or hold a local stack or its imports: never pointed at a deployed one. */
const LOCAL_ONLY: Record<string, string> = {
  drill:
    'drill runs the local stack; against a deployed stack start one with `drs-ledger --stage <stage> invoke start_execution --plan-id <id> --type DRILL` and follow it with `status`',
  import: 'imports are kept in a data folder, apart from any stack: run import without --stage',
  imports: 'imports are kept in a data folder, apart from any stack: run imports without --stage',
};

/**
 * Points the command about to run at the deployed stack --stage names (or DRS_LEDGER_STAGE), or at the local
 * ledger. `serve --stage` is the local stack shaped like that stage: serve reads the option itself.
 */
const selectWhere = (options: GlobalOptions, command: Command, env: NodeJS.ProcessEnv): void => {
  const name = commandPath(command);
  const fromEnv = env.DRS_LEDGER_STAGE?.trim() || undefined;
  const stage = options.stage ?? (name === 'serve' ? undefined : fromEnv);
  if (name === 'serve' && options.region !== undefined && options.region !== LOCAL_REGION)
    throw new UsageError(`the local stack runs in ${LOCAL_REGION}: serve takes no other --region`);
  if (stage === undefined || name === 'serve') {
    if (options.profile !== undefined || (options.region !== undefined && name !== 'serve'))
      throw new UsageError('--region and --profile choose a deployed stack: they go with --stage <stage>');
    selectStack(undefined);
    return;
  }
  const why = LOCAL_ONLY[name];
  const source = options.stage === undefined ? ` (DRS_LEDGER_STAGE is ${fromEnv})` : '';
  if (why) throw new UsageError(`${why}${source}`);
  const commandOptions = command.opts<{ imported?: boolean; aws?: boolean }>();
  if (commandOptions.imported) throw new UsageError(`--imported reads the imports kept in a data folder: drop --stage${source}`);
  if (commandOptions.aws)
    throw new UsageError(
      `--aws and --stage both name a deployed stack (--aws by environment variables, --stage by its outputs): give one${source}`,
    );
  // The SDK's own setting: every client of this run (the digest chain's too) takes the profile's credentials.
  if (options.profile !== undefined) env.AWS_PROFILE = options.profile;
  selectStack({
    stage: checkedStage(stage),
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
  });
};

/** The CLI, its commands returning exit codes: 0 success, 1 the execution failed, 2 bad usage or input. */
export const buildProgram = (out: NodeJS.WritableStream, err: NodeJS.WritableStream, setExit: (code: number) => void): Command => {
  const program = new Command('drs-ledger')
    .description('Event-sourced AWS Elastic Disaster Recovery drills: run, watch, pause, resume and prove them.')
    .option('--data-dir <folder>', 'where the local ledger lives (default ./.drs-ledger or $DRS_LEDGER_DATA_DIR)')
    .option(
      '--stage <stage>',
      'work on the deployed stack drs-ledger-<stage> (its names from its CloudFormation outputs; default $DRS_LEDGER_STAGE); with serve, run the local stack shaped like it',
    )
    .option('--region <region>', "the deployed stack's region (default $AWS_REGION, $AWS_DEFAULT_REGION or the profile's)")
    .option('--profile <profile>', 'the AWS profile whose credentials reach the deployed stack (default $AWS_PROFILE)')
    .exitOverride()
    // Set before the subcommands are added: they inherit it.
    .configureOutput({ writeOut: (text) => out.write(text), writeErr: (text) => err.write(text) });
  const dataDir = () => resolveDataDir(program.opts<GlobalOptions>().dataDir);
  program.hook('preAction', (_program, command) => selectWhere(program.opts<GlobalOptions>(), command, process.env));

  program
    .command('drill')
    .description('run a whole drill of a plan on the local stack and watch it (what `npm start` runs)')
    .option('--plan <file>', 'recovery plan (JSON or YAML); default: the bundled three-tier sample')
    .option('--inventory <file>', 'source server hostnames, [{ sourceServerID, hostname }]')
    .addOption(new Option('--type <type>', 'execution type').choices(['DRILL', 'RECOVERY']).default('DRILL'))
    .option('--pause-before <wave>', "pause before this wave (in addition to the plan's own pauses)", positiveInteger)
    .option('--speed <factor>', 'simulated DRS time runs this many times faster', positiveNumber, 30)
    .addOption(
      new Option(
        '--operator <mode>',
        'who resumes the pauses: simulated (resumes after --resume-after; recorded as the simulated operator, no person) or manual (a person, from another shell: invoke resume, or invoke approve --as)',
      )
        .choices(['simulated', 'manual'])
        .default('simulated'),
    )
    .option('--resume-after <seconds>', 'how long the simulated operator checks at a pause before resuming', positiveNumber, 2)
    .option(
      '--timeout <seconds>',
      'give up watching after this long (default 7200 / speed, at least 300, with the simulated operator; none with manual or through a running serve)',
      positiveNumber,
    )
    .option(
      '--initiated-by <who>',
      'a person recorded (unverified) as who started it; without it the simulated operator starts it (manual: the CLI user)',
    )
    .addOption(
      new Option('--follow', 'when the plan already has an active execution of this --type (an interrupted drill), follow it').conflicts(
        'cancelLeftover',
      ),
    )
    .option('--cancel-leftover', 'when the plan already has an active execution, cancel it (the reason names this drill), then start anew')
    .option('--recover-as-of <iso-time>', 'launch each server from its newest completed recovery snapshot at or before this instant')
    .option('--override-reason <text>', 'start despite BLOCKING preflight findings, for this reason (recorded as an accepted deviation)')
    .option('--json', 'JSON Lines for scripts')
    .action(
      async (options: {
        plan?: string;
        inventory?: string;
        type: 'DRILL' | 'RECOVERY';
        pauseBefore?: number;
        speed: number;
        operator: 'simulated' | 'manual';
        resumeAfter: number;
        timeout?: number;
        initiatedBy?: string;
        follow?: boolean;
        cancelLeftover?: boolean;
        recoverAsOf?: string;
        overrideReason?: string;
        json?: boolean;
      }) => {
        const mode: ProgressMode = options.json ? 'json' : (out as NodeJS.WriteStream).isTTY ? 'tty' : 'plain';
        setExit(
          await runDrill(
            {
              type: options.type,
              speed: options.speed,
              mode,
              dataDir: dataDir(),
              operator: options.operator,
              resumeAfterMs: options.resumeAfter * 1000,
              ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout * 1000 }),
              leftover: options.follow ? 'follow' : options.cancelLeftover ? 'cancel' : 'refuse',
              ...(options.plan ? { plan: options.plan } : {}),
              ...(options.inventory ? { inventory: options.inventory } : {}),
              ...(options.pauseBefore ? { pauseBefore: options.pauseBefore } : {}),
              ...(options.initiatedBy ? { initiatedBy: options.initiatedBy } : {}),
              ...(options.recoverAsOf ? { recoverAsOf: options.recoverAsOf } : {}),
              ...(options.overrideReason === undefined ? {} : { overrideReason: options.overrideReason }),
            },
            out,
          ),
        );
      },
    );

  program
    .command('serve')
    .description('keep the local stack up (Lambda, Step Functions, DRS, SNS, scheduler) until Ctrl-C')
    .option('--port <port>', "the Lambda endpoint's port (0 picks a free one)", port, DEFAULT_LAMBDA_PORT)
    .option('--speed <factor>', 'simulated DRS time runs this many times faster', positiveNumber, 1)
    .option('--find-interval <seconds>', 'how often the scheduled find runs (default 30 / speed)', positiveNumber)
    .option(
      '--api-port <port>',
      `the operator API's port (SigV4-signed HTTP API; default ${DEFAULT_OPERATOR_API_PORT}, or a free one when --port is 0)`,
      port,
    )
    .option(
      '--console-port <port>',
      `the web console's port (on 127.0.0.1; default ${DEFAULT_CONSOLE_PORT}, or a free one when --port is 0)`,
      port,
    )
    .option(
      '--users <spec>',
      'operators who may sign requests, with their rights: alice:drill+recovery+approve,bob (a name alone: drill+approve); keys kept in <data-dir>/users.json',
    )
    .addOption(
      new Option('--log-level <level>', "the handler's log level").choices(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('WARN'),
    )
    .action(
      async (options: {
        port: number;
        speed: number;
        findInterval?: number;
        apiPort?: number;
        consolePort?: number;
        users?: string;
        logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
      }) => {
        setExit(
          await runServe(
            {
              dataDir: dataDir(),
              port: options.port,
              // Tests and parallel stacks pass --port 0: they get a free API port too, never a shared fixed one.
              apiPort: options.apiPort ?? (options.port === 0 ? 0 : DEFAULT_OPERATOR_API_PORT),
              consolePort: options.consolePort ?? (options.port === 0 ? 0 : DEFAULT_CONSOLE_PORT),
              speed: options.speed,
              logLevel: options.logLevel,
              ...(options.findInterval ? { findIntervalSeconds: options.findInterval } : {}),
              ...(options.users !== undefined ? { users: options.users } : {}),
              // --stage: tables, functions and a CloudFormation stack named as `npm run deploy -- --stage` names them.
              ...(program.opts<GlobalOptions>().stage !== undefined
                ? { stage: checkedStage(program.opts<GlobalOptions>().stage as string) }
                : {}),
            },
            out,
          ),
        );
      },
    );

  program
    .command('console')
    .description(
      "with --stage: the web console of a deployed stack on 127.0.0.1, until Ctrl-C: it reads with your AWS credentials and acts through the operator API signed with them, so the ledger records your principal (the local stack's console comes with serve)",
    )
    .option('--port <port>', 'its port on 127.0.0.1 (0 picks a free one)', port, DEFAULT_CONSOLE_PORT)
    .action(async (options: { port: number }) => setExit(await runConsole({ port: options.port }, out)));

  const plans = program.command('plans').description('recovery plans in the local ledger (with --stage, in the deployed stack)');
  plans
    .command('load <file>')
    .description('validate and store recovery plans from a JSON or YAML file')
    .action(async (file: string) => setExit(await loadPlans(dataDir(), file, out)));
  plans
    .command('list')
    .option('--json', 'one JSON plan per line')
    .action(async (options: { json?: boolean }) => setExit(await listPlans(dataDir(), options.json === true, out)));

  program
    .command('invoke <operation>')
    .description(
      `invoke the execution-handler through the Lambda endpoint (${OPERATIONS.join(', ')}), or with --as through the signed operator API (also ${API_OPERATIONS.join(', ')})`,
    )
    .option('--execution-id <id>')
    .option('--plan-id <id>')
    .option('--type <type>', 'DRILL or RECOVERY (start_execution)')
    .option('--initiated-by <who>', 'who starts, pauses, resumes or cancels (with --as: a name kept beside the verified principal)')
    .option('--reason <text>', 'why (cancel)')
    .option('--comment <text>', 'why (approve, decline: required)')
    .option('--ticket <id>', 'the change ticket (approve, decline)')
    .option(
      '--recover-as-of <iso-time>',
      'start_execution: launch each server from its newest completed snapshot at or before this instant',
    )
    .option('--override-reason <text>', 'start_execution despite BLOCKING preflight findings, for this reason')
    .option('--as <user>', 'sign as this local user (serve --users) and call the operator API: the ledger records its principal')
    .option(
      '--api',
      "with --stage: call the stack's operator API (OperatorApiUrl) signed with your own AWS credentials: the ledger records your principal (approve and decline need it)",
    )
    .option('--endpoint <url>', "Lambda endpoint, or with --as the operator API's (default: the running serve's)")
    .action(
      async (
        operation: string,
        options: {
          executionId?: string;
          planId?: string;
          type?: string;
          initiatedBy?: string;
          reason?: string;
          comment?: string;
          ticket?: string;
          recoverAsOf?: string;
          overrideReason?: string;
          as?: string;
          api?: boolean;
          endpoint?: string;
        },
      ) => setExit(await runInvoke(operation, { dataDir: dataDir(), ...options }, out)),
    );

  registerWaveRecovery(program, dataDir, out, setExit);

  program
    .command('preflight <planId>')
    .description(
      "a plan's readiness before a start, as DRS says now: BLOCKING findings (a start is refused) and warnings; exits 1 when blocked",
    )
    .addOption(new Option('--type <type>', 'the start it checks for').choices(['DRILL', 'RECOVERY']).default('DRILL'))
    .option('--recover-as-of <iso>', 'recover every server as of this time: each needs a completed snapshot at or before it')
    .option('--endpoint <url>', "the local Lambda endpoint (default: the running serve's)")
    .option('--json', 'the answer as one JSON document')
    .action(async (planId: string, options: { type: string; recoverAsOf?: string; endpoint?: string; json?: boolean }) =>
      setExit(await runPreflight({ dataDir: dataDir(), planId, ...options }, out)),
    );

  program
    .command('executions')
    .description("executions, newest first, with their status (from the ledger's index of starts), a page at a time")
    .option('--plan <planId>', "only this plan's")
    .addOption(new Option('--status <status>', 'only those in this status').choices(EXECUTION_STATUSES))
    .option('--limit <n>', `at most this many (1 to ${MAX_EXECUTIONS_LIMIT})`, executionsLimit, DEFAULT_EXECUTIONS_LIMIT)
    .option('--next-token <token>', 'go on where a listing stopped (it prints the command)')
    .option('--json', 'one JSON document: executions and nextToken')
    .action(
      async (options: {
        plan?: string;
        status?: 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
        limit: number;
        nextToken?: string;
        json?: boolean;
      }) => {
        // The next page's command names the same ledger: the same folder, or the same stack.
        const global = program.opts<GlobalOptions>();
        const where = [
          ...(global.dataDir !== undefined ? ['--data-dir', global.dataDir] : []),
          ...(global.stage !== undefined ? ['--stage', global.stage] : []),
          ...(global.region !== undefined ? ['--region', global.region] : []),
          ...(global.profile !== undefined ? ['--profile', global.profile] : []),
        ];
        setExit(await runExecutions(dataDir(), { ...options, where }, out));
      },
    );

  program
    .command('status <executionId>')
    .description('an execution, wave by wave and server by server')
    .option('--json')
    .option(IMPORTED_OPTION, IMPORTED_HELP)
    .action(async (executionId: string, options: { json?: boolean; imported?: boolean }) =>
      setExit(await runStatus(dataDir(), executionId, options.json === true, out, options.imported === true)),
    );

  program
    .command('events <executionId>')
    .description('the ledger of an execution, one event a line')
    .option('--json', "JSON Lines, with each event's hashes")
    .option(IMPORTED_OPTION, IMPORTED_HELP)
    .action(async (executionId: string, options: { json?: boolean; imported?: boolean }) =>
      setExit(await runEvents(dataDir(), executionId, options.json === true, out, options.imported === true)),
    );

  program
    .command('verify <executionId>')
    .description(
      'recompute the hash chain from the table (OK with the head hash, or the first bad seq and what is wrong), then check the ledger against the signed digests that sealed it',
    )
    .option('--expected-head <seq:hash>', 'the head a report or an export recorded: the ledger must end exactly there')
    .option('--json')
    .option(IMPORTED_OPTION, `${IMPORTED_HELP}, checked against the head its seal recorded`)
    .option('--aws', `${DEPLOYED_TABLES}; and ${DEPLOYED_DIGESTS}`)
    .action(async (executionId: string, options: { expectedHead?: string; json?: boolean; imported?: boolean; aws?: boolean }) =>
      setExit(await runVerify(dataDir(), executionId, options, out)),
    );

  const digests = program
    .command('digests')
    .description('the signed digest chain: ledger heads sealed outside the table, signed by a key only the digest writer may use');
  digests
    .command('verify')
    .description('check every digest: signature, numbering without a gap, links; each problem with its digest (exit 1 on any)')
    .option('--json')
    .option('--aws', DEPLOYED_DIGESTS)
    .action(async (options: { json?: boolean; aws?: boolean }) => setExit(await runDigestsVerify(dataDir(), options, out)));
  digests
    .command('list')
    .description('every digest: number, created, trigger, heads, location')
    .option('--json', 'one JSON digest per line, with its heads')
    .option('--aws', DEPLOYED_DIGESTS)
    .action(async (options: { json?: boolean; aws?: boolean }) => setExit(await runDigestsList(dataDir(), options, out)));
  digests
    .command('fetch')
    .description('write digest-<n>.json (its exact bytes), digest-<n>.sig (its DER signature) and public-key.pem, for openssl')
    .argument('<n>', "the digest's number", positiveInteger)
    .option('--out <dir>', 'the folder to write them to', '.')
    .option('--aws', DEPLOYED_DIGESTS)
    .action(async (digestSeq: number, options: { out: string; aws?: boolean }) =>
      setExit(await runDigestsFetch(dataDir(), digestSeq, options.out, options, out)),
    );

  program
    .command('replay <executionId>')
    .description('the execution as it stood at an instant or a seq, from the ledger alone (get_execution_details shape)')
    .option('--at <iso-time>', 'as it stood at this instant')
    .option('--seq <n>', 'as it stood after this event', positiveInteger)
    .option('--json')
    .option(IMPORTED_OPTION, IMPORTED_HELP)
    .action(async (executionId: string, options: { at?: string; seq?: number; json?: boolean; imported?: boolean }) =>
      setExit(await runReplay(dataDir(), executionId, options, out)),
    );

  program
    .command('rebuild')
    .description('refold read-model views from the ledger (all executions, paged, resumable after an interruption)')
    .option('--execution <id>', 'only this execution')
    .option('--restart', 'forget an interrupted rebuild and start over')
    .option('--aws', DEPLOYED_TABLES)
    .action(async (options: { execution?: string; restart?: boolean; aws?: boolean }) =>
      setExit(await runRebuild(dataDir(), options, out)),
    );

  program
    .command('check')
    .description('compare each view with its replay and list drifts (exit 1 when any)')
    .option('--json')
    .option('--aws', DEPLOYED_TABLES)
    .action(async (options: { json?: boolean; aws?: boolean }) =>
      setExit(await runCheck(dataDir(), options.json === true, out, options.aws === true)),
    );

  program
    .command('report <executionId>')
    .description('evidence report: who did what when, per-wave and per-server timeline, RTO, failures, head hash')
    .addOption(new Option('--format <format>', 'report format').choices(['md', 'html', 'json']).default('md'))
    .option(
      '--out <file>',
      'write to this file (without it: standard output; html on a terminal goes to <data-dir>/reports/<id>.html, <id>.imported.html with --imported)',
    )
    .option(IMPORTED_OPTION, IMPORTED_HELP)
    .action(async (executionId: string, options: { format: ReportFormat; out?: string; imported?: boolean }) =>
      setExit(await runReport(dataDir(), executionId, options, out, err)),
    );

  program
    .command('export <executionId>')
    .description('the full event history as JSON Lines (header, then one event a line with its hashes)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (executionId: string, options: { out?: string }) => setExit(await runExport(dataDir(), executionId, options.out, out)));

  program
    .command('import <file>')
    .description(
      'import an export as evidence, apart from the live ledger (verified first, nothing written if it does not; visible once sealed; run again to complete a killed import)',
    )
    .option('--expected-head-hash <hash>', 'a head hash known from elsewhere (a report)')
    .action(async (file: string, options: { expectedHeadHash?: string }) => setExit(await runImport(dataDir(), file, options, out)));

  program
    .command('imports')
    .description('every import begun here: sealed, incomplete (killed midway: import the file again) or superseded')
    .option('--json', 'one JSON object per import')
    .action(async (options: { json?: boolean }) => setExit(await runImports(dataDir(), options.json === true, out)));

  return program;
};

/** Runs the CLI; resolves with the exit code. */
export const main = async (
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> => {
  let code: number = EXIT.ok;
  const program = buildProgram(out, err, (value) => {
    code = value;
  });
  // --profile sets AWS_PROFILE for the run (the SDK's own setting); a caller in this process gets its own back.
  const profileBefore = process.env.AWS_PROFILE;
  try {
    await inStackScope(() => program.parseAsync(argv, { from: 'user' }));
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError || (error instanceof Error && /DataDirInUse|PortInUse/.test(error.name))) {
      // Messages quote ids, files, ledger details and the handler's answers: shown (their own lines kept).
      err.write(`drs-ledger: ${shownLines(error.message)}\n`);
      return EXIT.usage;
    }
    // Against a deployed stack, a service that does not answer or refuses the caller is the caller's to fix.
    const stage = program.opts<GlobalOptions>().stage ?? process.env.DRS_LEDGER_STAGE;
    const trouble = stage === undefined ? undefined : stackServiceTrouble(error, stage);
    if (trouble) {
      err.write(`drs-ledger: ${shownLines(trouble.message)}\n`);
      return EXIT.usage;
    }
    err.write(`drs-ledger: ${shownLines(error instanceof Error ? error.message : String(error))}\n`);
    return EXIT.executionFailed;
  } finally {
    if (profileBefore === undefined) delete process.env.AWS_PROFILE;
    else process.env.AWS_PROFILE = profileBefore;
  }
};

/** `node dist/cli.js …` runs it directly; bin/drs-ledger.js calls main() itself. */
export const runAsProgram = (): void => {
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  // main answers every failure with an exit code; a rejection here is a bug, and must still end the process.
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Lingering keep-alive sockets must not hold the process open.
    setTimeout(() => process.exit(code), 200).unref();
  });
};

if (require.main === module) runAsProgram();
