import { INVOCATION_TYPES, type InvocationType } from './faults';

export interface InvocationCount {
  /** Invoke calls that named this function and type (accepted or refused). */
  requests: number;
  /** Times the function actually ran (async retries included). */
  runs: number;
  /** Runs that ended in a function error. */
  functionErrors: number;
  /** Calls refused by an injected fault. */
  faults: number;
  /** Async re-runs after a function error. */
  retries: number;
  /** Async events dropped into the dead-letter list. */
  deadLettered: number;
}

export type FunctionCounts = Record<InvocationType, InvocationCount>;

const zero = (): InvocationCount => ({ requests: 0, runs: 0, functionErrors: 0, faults: 0, retries: 0, deadLettered: 0 });

const copy = (counts: FunctionCounts): FunctionCounts =>
  Object.fromEntries(INVOCATION_TYPES.map((type) => [type, { ...counts[type] }])) as FunctionCounts;

/** Counters per function and invocation type. */
export class InvocationCounters {
  private readonly byFunction = new Map<string, FunctionCounts>();

  bump(functionName: string, type: InvocationType, key: keyof InvocationCount): void {
    this.forFunction(functionName)[type][key] += 1;
  }

  get(functionName: string): FunctionCounts {
    return copy(this.forFunction(functionName));
  }

  snapshot(): Record<string, FunctionCounts> {
    return Object.fromEntries([...this.byFunction].map(([name, counts]) => [name, copy(counts)]));
  }

  private forFunction(functionName: string): FunctionCounts {
    let counts = this.byFunction.get(functionName);
    if (!counts) {
      counts = Object.fromEntries(INVOCATION_TYPES.map((type) => [type, zero()])) as FunctionCounts;
      this.byFunction.set(functionName, counts);
    }
    return counts;
  }
}
