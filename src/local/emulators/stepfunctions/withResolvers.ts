/**
 * aws-local-stepfunctions 3.0.0 calls Promise.withResolvers (Node >= 22); Node 20 lacks it.
 * Imported first by ./engine so the polyfill is in place before the library runs.
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

export {};
