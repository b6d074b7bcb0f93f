import { missingParameter, SfnError } from './errors';
import type { ExecutionRecord, Executions } from './executions';
import type { StateMachines } from './stateMachines';
import type { TaskTokens } from './taskTokens';

type Input = Record<string, unknown>;
export type Operation = (input: Input) => Record<string, unknown>;

/** awsJson timestamps are epoch seconds. */
const epoch = (date: Date): number => date.getTime() / 1000;

const required = (input: Input, name: string): string => {
  const value = input[name];
  if (value === undefined || value === null) throw missingParameter(name);
  if (typeof value !== 'string') throw new SfnError('ValidationException', `'${name}' must be a string`);
  return value;
};

const optional = (input: Input, name: string): string | undefined =>
  input[name] === undefined || input[name] === null ? undefined : required(input, name);

const describeExecution = (record: ExecutionRecord): Record<string, unknown> => ({
  executionArn: record.executionArn,
  stateMachineArn: record.stateMachineArn,
  name: record.name,
  status: record.status,
  startDate: epoch(record.startDate),
  ...(record.stopDate ? { stopDate: epoch(record.stopDate) } : {}),
  input: record.input,
  inputDetails: { included: true },
  ...(record.output !== undefined ? { output: record.output, outputDetails: { included: true } } : {}),
  ...(record.error !== undefined ? { error: record.error } : {}),
  ...(record.cause !== undefined ? { cause: record.cause } : {}),
  redriveCount: 0,
});

const page = <T>(items: T[], input: Input): { items: T[]; nextToken?: string } => {
  const maxResults = typeof input.maxResults === 'number' && input.maxResults > 0 ? Math.min(input.maxResults, 1000) : 100;
  const token = optional(input, 'nextToken');
  const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw new SfnError('InvalidToken', 'Invalid Token');
  const end = start + maxResults;
  return end < items.length
    ? { items: items.slice(start, end), nextToken: Buffer.from(String(end)).toString('base64url') }
    : { items: items.slice(start) };
};

export interface OperationDeps {
  machines: StateMachines;
  executions: Executions;
  tokens: TaskTokens;
}

/** The Step Functions operations this emulator answers, by X-Amz-Target operation name. */
export const operations = ({ machines, executions, tokens }: OperationDeps): Record<string, Operation> => ({
  CreateStateMachine: (input) => {
    const type = optional(input, 'type') === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
    const record = machines.create(required(input, 'name'), required(input, 'definition'), required(input, 'roleArn'), type);
    return { stateMachineArn: record.stateMachineArn, creationDate: epoch(record.creationDate) };
  },
  DescribeStateMachine: (input) => {
    const record = machines.get(required(input, 'stateMachineArn'));
    return {
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: 'ACTIVE',
      definition: record.definition,
      roleArn: record.roleArn,
      type: record.type,
      creationDate: epoch(record.creationDate),
    };
  },
  ListStateMachines: (input) => {
    const { items, nextToken } = page(machines.list(), input);
    return {
      stateMachines: items.map((m) => ({
        stateMachineArn: m.stateMachineArn,
        name: m.name,
        type: m.type,
        creationDate: epoch(m.creationDate),
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  },
  StartExecution: (input) => {
    const record = executions.start(required(input, 'stateMachineArn'), optional(input, 'name'), optional(input, 'input'));
    return { executionArn: record.executionArn, startDate: epoch(record.startDate) };
  },
  DescribeExecution: (input) => describeExecution(executions.describe(required(input, 'executionArn'))),
  StopExecution: (input) => {
    const record = executions.stop(required(input, 'executionArn'), optional(input, 'error'), optional(input, 'cause'));
    return { stopDate: epoch(record.stopDate ?? new Date()) };
  },
  ListExecutions: (input) => {
    const { items, nextToken } = page(executions.list(required(input, 'stateMachineArn'), optional(input, 'statusFilter')), input);
    return {
      executions: items.map((record) => ({
        executionArn: record.executionArn,
        stateMachineArn: record.stateMachineArn,
        name: record.name,
        status: record.status,
        startDate: epoch(record.startDate),
        ...(record.stopDate ? { stopDate: epoch(record.stopDate) } : {}),
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  },
  SendTaskSuccess: (input) => {
    const taskToken = required(input, 'taskToken');
    const output = required(input, 'output');
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch (error) {
      throw new SfnError('InvalidOutput', `Invalid Output: '${String(error)}'`);
    }
    tokens.succeed(taskToken, parsed);
    return {};
  },
  SendTaskFailure: (input) => {
    tokens.fail(required(input, 'taskToken'), optional(input, 'error') ?? '', optional(input, 'cause') ?? '');
    return {};
  },
  SendTaskHeartbeat: (input) => {
    tokens.heartbeat(required(input, 'taskToken'));
    return {};
  },
});
