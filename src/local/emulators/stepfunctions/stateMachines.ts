import { isValidName, parseStatesArn, stateMachineArnOf } from './arns';
import { StateMachine, type StateMachineDefinition } from './engine';
import { invalidArn, SfnError } from './errors';
import { runtimeDefinition, type RuntimeDefinition, type TimeScales } from './runtimeDefinition';

export interface StateMachineRecord {
  stateMachineArn: string;
  name: string;
  /** The definition text as registered (substitutions applied). */
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: Date;
  runtime: RuntimeDefinition;
}

export const DEFAULT_ROLE_ARN = 'arn:aws:iam::000000000000:role/local-stepfunctions';

/** Parses and validates a definition as Step Functions does (asl-validator, JSONPaths and ARNs checked). */
const validated = (definition: string): StateMachineDefinition => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch (error) {
    throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${String(error)}'`);
  }
  try {
    new StateMachine(parsed as StateMachineDefinition);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: '${reason}'`);
  }
  return parsed as StateMachineDefinition;
};

export class StateMachines {
  private readonly byArn = new Map<string, StateMachineRecord>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly scales: TimeScales,
  ) {}

  /** CreateStateMachine: the same name with the same definition and role answers the existing machine. */
  create(name: string, definition: string, roleArn: string, type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): StateMachineRecord {
    if (!isValidName(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    if (!/^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/.+$/.test(roleArn)) throw invalidArn(roleArn);
    const arn = stateMachineArnOf(this.region, this.accountId, name);
    const existing = this.byArn.get(arn);
    if (existing) {
      if (existing.definition === definition && existing.roleArn === roleArn) return existing;
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    return this.store(arn, name, definition, roleArn, type);
  }

  /** In-process registration: creates or replaces the machine. */
  put(name: string, definition: string, roleArn = DEFAULT_ROLE_ARN): StateMachineRecord {
    if (!isValidName(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    return this.store(stateMachineArnOf(this.region, this.accountId, name), name, definition, roleArn, 'STANDARD');
  }

  get(stateMachineArn: string): StateMachineRecord {
    const parsed = parseStatesArn(stateMachineArn);
    if (!parsed || parsed.resourceType !== 'stateMachine') throw invalidArn(stateMachineArn);
    const found = this.byArn.get(stateMachineArn);
    if (!found) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return found;
  }

  list(): StateMachineRecord[] {
    return [...this.byArn.values()];
  }

  private store(arn: string, name: string, definition: string, roleArn: string, type: 'STANDARD' | 'EXPRESS') {
    const record: StateMachineRecord = {
      stateMachineArn: arn,
      name,
      definition,
      roleArn,
      type,
      creationDate: new Date(),
      runtime: runtimeDefinition(validated(definition), this.scales),
    };
    this.byArn.set(arn, record);
    return record;
  }
}
