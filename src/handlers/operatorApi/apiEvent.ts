import { PRINCIPAL_ARN_PATTERN } from '../../domain/execution';
import { isOperatorRouteKey, type MatchedRoute, matchRoute, OPERATOR_ROUTES } from './routes';

/**
 * What the operator API reads of an API Gateway HTTP API event (payload format 2.0), read defensively: the
 * event is API Gateway's, but a misconfigured route (no IAM authorizer) must be refused, never trusted.
 */
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((current, key) => (isObject(current) ? current[key] : undefined), value);

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The principal API Gateway's IAM authorization verified (requestContext.authorizer.iam.userArn), or undefined.
 * Nothing else in the event can name one: not a header, not the body.
 */
export const verifiedPrincipalOf = (event: unknown): string | undefined => {
  const arn = text(field(event, 'requestContext', 'authorizer', 'iam', 'userArn'));
  return arn !== undefined && PRINCIPAL_ARN_PATTERN.test(arn) ? arn : undefined;
};

/**
 * The route: API Gateway's routeKey with its path parameters when the route was declared, else (a `$default`
 * route, the local server) the request line matched against the same table.
 */
export const routeOf = (event: unknown): MatchedRoute | undefined => {
  const routeKey = text(field(event, 'routeKey'));
  if (routeKey !== undefined && isOperatorRouteKey(routeKey)) {
    const given = field(event, 'pathParameters');
    const pathParameters: Record<string, string> = {};
    if (isObject(given)) for (const [name, value] of Object.entries(given)) if (typeof value === 'string') pathParameters[name] = value;
    return { routeKey, action: OPERATOR_ROUTES[routeKey], pathParameters };
  }
  if (routeKey !== undefined && routeKey !== '$default') return undefined;
  const method = text(field(event, 'requestContext', 'http', 'method'));
  const path = text(field(event, 'rawPath'));
  return method && path ? matchRoute(method, path) : undefined;
};

export type BodyText = { ok: true; text: string | undefined } | { ok: false };

/** The body as text (API Gateway base64-encodes bodies it does not take for text). */
export const bodyTextOf = (event: unknown): BodyText => {
  const body = field(event, 'body');
  if (body === undefined || body === null) return { ok: true, text: undefined };
  if (typeof body !== 'string') return { ok: false };
  return { ok: true, text: field(event, 'isBase64Encoded') === true ? Buffer.from(body, 'base64').toString('utf8') : body };
};

/** The query string's parameters (API Gateway joins a repeated one's values with commas). */
export const queryOf = (event: unknown): Record<string, string> => {
  const given = field(event, 'queryStringParameters');
  const query: Record<string, string> = {};
  if (isObject(given)) for (const [name, value] of Object.entries(given)) if (typeof value === 'string') query[name] = value;
  return query;
};
