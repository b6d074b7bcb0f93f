/**
 * aws-local-stepfunctions 3.0.0 declares Node >= 22 and calls Promise.withResolvers, which Node 20 lacks.
 * The polyfill must be in place before the library loads, hence the require after it.
 */
type WithResolvers = <T>() => { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void };
const promiseConstructor = Promise as PromiseConstructor & { withResolvers?: WithResolvers };

if (!promiseConstructor.withResolvers) {
  promiseConstructor.withResolvers = <T>() => {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<T>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    return { promise, resolve, reject };
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const local = require('aws-local-stepfunctions') as typeof import('aws-local-stepfunctions');

export const { StateMachine, ExecutionError } = local;
