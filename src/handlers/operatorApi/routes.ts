/**
 * The operator API's routes, as API Gateway's HTTP API declares them (routeKey = "METHOD path"). Starting a
 * drill and starting a recovery are separate routes so that IAM can allow one and deny the other; approve and
 * decline likewise, so that approving can be granted apart from operating.
 */
export const OPERATOR_ROUTES = {
  'GET /plans': 'listPlans',
  'GET /executions': 'listExecutions',
  'POST /plans/{planId}/drills': 'startDrill',
  'POST /plans/{planId}/recoveries': 'startRecovery',
  'GET /plans/{planId}/preflight': 'preflight',
  'GET /executions/{executionId}': 'getExecution',
  'POST /executions/{executionId}/pause': 'pause',
  'POST /executions/{executionId}/resume': 'resume',
  'POST /executions/{executionId}/approve': 'approve',
  'POST /executions/{executionId}/decline': 'decline',
  'POST /executions/{executionId}/cancel': 'cancel',
  // A wave that failed under the plan's onWaveFailure PAUSE: relaunch its failed servers, or skip it (a deviation).
  'POST /executions/{executionId}/retry': 'retryWave',
  'POST /executions/{executionId}/skip': 'skipWave',
} as const;

export type OperatorRouteKey = keyof typeof OPERATOR_ROUTES;
export type OperatorAction = (typeof OPERATOR_ROUTES)[OperatorRouteKey];

export const OPERATOR_ROUTE_KEYS: readonly OperatorRouteKey[] = Object.freeze(Object.keys(OPERATOR_ROUTES) as OperatorRouteKey[]);

export const isOperatorRouteKey = (value: string): value is OperatorRouteKey => Object.hasOwn(OPERATOR_ROUTES, value);

export interface MatchedRoute {
  routeKey: OperatorRouteKey;
  action: OperatorAction;
  /** The `{name}` segments of the template, URI-decoded (not yet validated). */
  pathParameters: Record<string, string>;
}

const decoded = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/** The parameters of `path` against one template's path, or undefined when it does not match. */
const matchTemplate = (template: string, path: string): Record<string, string> | undefined => {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const segment = got[index] as string;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name === undefined) {
      if (part !== segment) return undefined;
      continue;
    }
    const value = decoded(segment);
    if (!value) return undefined;
    parameters[name] = value;
  }
  return parameters;
};

/** What API Gateway does with a request line: the route it falls under and its path parameters, or undefined (404). */
export const matchRoute = (method: string, path: string): MatchedRoute | undefined => {
  for (const routeKey of OPERATOR_ROUTE_KEYS) {
    const [routeMethod, template] = routeKey.split(' ') as [string, string];
    if (routeMethod !== method.toUpperCase()) continue;
    const pathParameters = matchTemplate(template, path);
    if (pathParameters) return { routeKey, action: OPERATOR_ROUTES[routeKey], pathParameters };
  }
  return undefined;
};
