/**
 * A Lambda entry whose module init evaluates nothing but this wiring: the handler's module (its operations,
 * adapters, SDK clients, schemas and Logger) is imported on the first call. Packaged as ESM with code splitting
 * (serverless.yml), that import loads chunks the init never compiled; a cold start pays for them only when a
 * request needs them, and that cost shows in bench/coldStart.ts's "init + first request".
 *
 * A failed import fails that call with the error itself (Lambda reports it as an unhandled error, as it would
 * have reported a failed init) and is tried again on the next call. A chunk that could not be read may load then;
 * a module that threw while evaluating does not (Node keeps its error), so that sandbox keeps failing until
 * Lambda replaces it, which a failed init would have made Lambda do at once.
 */
export const onFirstCall = <Args extends unknown[], Result>(
  load: () => Promise<{ handler: (...args: Args) => Promise<Result> }>,
): ((...args: Args) => Promise<Result>) => {
  let loading: Promise<(...args: Args) => Promise<Result>> | undefined;
  return async (...args) => {
    loading ??= load().then(
      (module) => module.handler,
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return (await loading)(...args);
  };
};
