import type { Context } from 'aws-lambda';
import { parseFunctionName } from './names';

/** A function as the emulator runs it: the handler module's export, called in process. */
export type LambdaFunction = (event: unknown, context: Context) => unknown;

export interface FunctionOptions {
  /** Lambda's Timeout; the invocation fails with Sandbox.Timedout after it. Default 900 (the maximum). */
  timeoutSeconds?: number;
  memoryMb?: number;
}

export interface RegisteredFunction {
  name: string;
  handler: LambdaFunction;
  timeoutSeconds: number;
  memoryMb: number;
}

/** Functions by name. Registering by ARN or name:qualifier registers the bare name. */
export class FunctionRegistry {
  private readonly functions = new Map<string, RegisteredFunction>();

  register(nameOrArn: string, handler: LambdaFunction, options: FunctionOptions = {}): RegisteredFunction {
    const ref = parseFunctionName(nameOrArn);
    if (!ref) throw new Error(`Not a Lambda function name or ARN: ${nameOrArn}`);
    const registered: RegisteredFunction = {
      name: ref.name,
      handler,
      timeoutSeconds: options.timeoutSeconds ?? 900,
      memoryMb: options.memoryMb ?? 128,
    };
    this.functions.set(ref.name, registered);
    return registered;
  }

  unregister(nameOrArn: string): boolean {
    const ref = parseFunctionName(nameOrArn);
    return ref ? this.functions.delete(ref.name) : false;
  }

  get(name: string): RegisteredFunction | undefined {
    return this.functions.get(name);
  }

  names(): string[] {
    return [...this.functions.keys()];
  }
}
