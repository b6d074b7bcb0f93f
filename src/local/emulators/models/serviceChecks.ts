import { performance } from 'node:perf_hooks';
import { type CheckKind, modelChecks } from './checkRegistry';
import { EMULATOR_MODEL_VIOLATION, strictModelChecks } from './checkMode';
import { checkShape, type ShapeCheckOptions } from './checkShape';
import { errorShapeFor, loadServiceModel, type ModelServiceName, type ServiceModel, type Shape, shapeNamed } from './serviceModel';
import { describeViolation, type Violation } from './violation';

/** An error answer as it goes on the wire. */
export interface ErrorAnswer {
  /** The error code the client reads (x-amzn-ErrorType, __type, or awsQuery's <Code>). */
  code: string;
  status: number;
  /**
   * Its members: the body's, and for REST protocols the header-bound ones under their member names;
   * or how to read them once the exception's shape is known (restResponseMembers).
   */
  members: Record<string, unknown> | ((shapeName: string) => Record<string, unknown>);
  /** awsQuery's <Type>, which the model's senderFault decides. */
  faultType?: 'Sender' | 'Receiver';
}

/** What became of an answer: its violations, and in strict mode what to answer instead. */
export interface AnswerVerdict {
  violations: Violation[];
  replacement?: { status: 500; code: typeof EMULATOR_MODEL_VIOLATION; message: string };
}

const statusViolation = (path: string, status: number, expected: number): Violation => ({
  path,
  problem: `answered HTTP ${status}, the model says ${expected}`,
  memberPath: 'httpStatusCode',
  constraint: `Status must be ${expected}`,
  quotedValue: `'${status}'`,
});

/**
 * The model checks of one service, for its emulator to call where it has parsed a request into an
 * input object and built an answer before serialising it. Every check is counted in `modelChecks`;
 * refused requests and broken answers are recorded there too.
 */
export class ServiceModelChecks {
  private loaded: ServiceModel | undefined;

  constructor(readonly service: ModelServiceName) {}

  get model(): ServiceModel {
    this.loaded ??= loadServiceModel(this.service);
    return this.loaded;
  }

  private options(unknownMembers: ShapeCheckOptions['unknownMembers']): ShapeCheckOptions {
    // awsQuery and rest-xml (S3) carry every scalar as text, and timestamps in bodies as ISO 8601.
    const textual = this.model.metadata.protocol === 'query' || this.model.metadata.protocol === 'rest-xml';
    return { text: textual, unknownMembers, timestampFormat: textual ? 'iso8601' : 'unixTimestamp' };
  }

  /** The violations of a parsed request (none for an operation the model does not have). */
  request(operation: string, input: unknown): Violation[] {
    return timed(() => {
      const op = this.model.operations[operation];
      if (!op) return [];
      modelChecks.counted(this.service, operation, 'request');
      const violations = op.input ? checkShape(this.model, op.input.shape, input ?? {}, this.options('ignore')) : [];
      if (violations.length > 0) modelChecks.refusal(this.record(operation, 'request', violations));
      return violations;
    });
  }

  /** Checks a success answer: its output members and its HTTP status. */
  answer(operation: string, status: number, output: unknown): AnswerVerdict {
    return timed(() => this.checkAnswer(operation, status, output));
  }

  /** Checks an error answer against the model's exception of that code; an unmodelled code (UnknownOperationException) is not checked. */
  error(operation: string, answer: ErrorAnswer): AnswerVerdict {
    return timed(() => this.checkError(operation, answer));
  }

  private checkAnswer(operation: string, status: number, output: unknown): AnswerVerdict {
    const op = this.model.operations[operation];
    if (!op) return { violations: [] };
    const shapeName = op.output?.shape;
    const violations = shapeName ? checkShape(this.model, shapeName, output ?? {}, this.options('report')) : [];
    const shape = shapeName ? shapeNamed(this.model, shapeName) : undefined;
    // An output with a statusCode member (Lambda's Invoke: 200, 202, 204) carries its status as data.
    const statusIsData = Object.values(shape?.members ?? {}).some((ref) => ref.location === 'statusCode');
    const expected = this.model.metadata.protocol === 'query' ? 200 : (op.http.responseCode ?? 200);
    if (!statusIsData && status !== expected) violations.push(statusViolation(`${operation} answer`, status, expected));
    return this.verdict(operation, 'answer', violations);
  }

  private checkError(operation: string, answer: ErrorAnswer): AnswerVerdict {
    const found = errorShapeFor(this.model, answer.code);
    if (!found) return { violations: [] };
    const wire = typeof answer.members === 'function' ? answer.members(found.name) : answer.members;
    const members = this.model.metadata.protocol === 'query' ? queryErrorMembers(found.shape, wire) : wire;
    const violations = checkShape(this.model, found.name, members, this.options('report'));
    const expected = found.shape.error?.httpStatusCode;
    if (expected !== undefined && answer.status !== expected) violations.push(statusViolation(found.name, answer.status, expected));
    if (answer.faultType !== undefined) {
      const faultType = found.shape.error?.senderFault ? 'Sender' : 'Receiver';
      if (answer.faultType !== faultType) {
        violations.push({
          path: `${found.name} Type`,
          problem: `${answer.faultType}, the model says ${faultType}`,
          memberPath: 'Type',
          constraint: `Type must be ${faultType}`,
          quotedValue: '',
        });
      }
    }
    return this.verdict(operation, 'error', violations);
  }

  private verdict(operation: string, kind: CheckKind, violations: Violation[]): AnswerVerdict {
    modelChecks.counted(this.service, operation, kind);
    if (violations.length === 0) return { violations };
    const record = this.record(operation, kind, violations);
    modelChecks.violation(record);
    if (!strictModelChecks()) return { violations };
    const message = `The ${this.service} emulator's ${operation} ${kind} breaks AWS's model: ${record.violations.join('; ')}`;
    return { violations, replacement: { status: 500, code: EMULATOR_MODEL_VIOLATION, message } };
  }

  private record(operation: string, kind: CheckKind, violations: Violation[]) {
    return { service: this.service, operation, kind, violations: violations.map(describeViolation) };
  }
}

/** awsQuery errors carry one <Message>; the model names that member `message` or `Message`. */
const queryErrorMembers = (shape: Shape, members: Record<string, unknown>): Record<string, unknown> => {
  const name = Object.keys(shape.members ?? {}).find((member) => member.toLowerCase() === 'message') ?? 'message';
  const { message, ...rest } = members;
  return message === undefined ? rest : { ...rest, [name]: message };
};

const timed = <T>(check: () => T): T => {
  const started = performance.now();
  try {
    return check();
  } finally {
    modelChecks.spent(performance.now() - started);
  }
};

const checks = new Map<ModelServiceName, ServiceModelChecks>();

/** The checks of a service (one per process; the model loads on first use). */
export const serviceModelChecks = (service: ModelServiceName): ServiceModelChecks => {
  let found = checks.get(service);
  if (!found) {
    found = new ServiceModelChecks(service);
    checks.set(service, found);
  }
  return found;
};
