// Loading the client registers the aws.partition function that its endpoint rules call.
import '@aws-sdk/client-drs';
import type { DrsClientResolvedConfig } from '@aws-sdk/client-drs';
import { rememberBounded } from './boundedMap';

export type DrsEndpointResolver = DrsClientResolvedConfig['endpointProvider'];

/** Endpoint parameters a deployment meets (a Region, FIPS and dual-stack flags, an endpoint override). */
const CAPACITY = 64;

/**
 * DRS's endpoint rules evaluated once per set of parameters, not on every request: the rules are a pure
 * function of them (Region, UseFIPS, UseDualStack, Endpoint), and client-drs 3.523 evaluates its rule set
 * for each request (later SDK versions keep the same cache). Every client of the process shares it.
 */
export const cachedEndpoints = (resolve: DrsEndpointResolver): DrsEndpointResolver => {
  const resolved = new Map<string, ReturnType<DrsEndpointResolver>>();
  return (params, context) => {
    const key = JSON.stringify([params.Region, params.UseFIPS, params.UseDualStack, params.Endpoint]);
    const known = resolved.get(key);
    if (known) return known;
    const endpoint = resolve(params, context);
    rememberBounded(resolved, key, endpoint, CAPACITY);
    return endpoint;
  };
};

// client-drs exports no name for its default resolver; its file is part of the published package.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultEndpointResolver } = require('@aws-sdk/client-drs/dist-cjs/endpoint/endpointResolver') as {
  defaultEndpointResolver: DrsEndpointResolver;
};

/** The process's DRS endpoint resolver. */
export const drsEndpoints: DrsEndpointResolver = cachedEndpoints(defaultEndpointResolver);
