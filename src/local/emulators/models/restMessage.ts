import type { MemberRef, OperationModel, ServiceModel } from './serviceModel';
import { shapeNamed } from './serviceModel';

/**
 * REST protocols (rest-json: DRS, Lambda) spread a shape's members over the URI, the query string,
 * the headers, the status code and the body. These read them back into one object by the shape's
 * bindings, so requests and answers are checked member by member, wherever each travels.
 */

export interface RestRequest {
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RestResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

const header = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const lower = name.toLowerCase();
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === lower)?.[1];
  return Array.isArray(found) ? found[0] : found;
};

/** The URI template's labels: `/2015-03-31/functions/{FunctionName}/invocations` against the path. */
const uriLabels = (template: string, path: string): Record<string, string> => {
  const names: string[] = [];
  const source = template
    .split('?')[0]!
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    // The escaping above made a greedy label's '+' (S3's {Key+}) into '\+'.
    .replace(/\{(\w+)((?:\\\+)?)\}/g, (_, name: string, greedy: string) => {
      names.push(name);
      return greedy ? '(.+)' : '([^/]+)';
    });
  const match = new RegExp(`^${source}$`).exec(path);
  return Object.fromEntries(
    names.map((name, index): [string, string] => [name, decodeURIComponent(match?.[index + 1] ?? '')]).filter(([, value]) => value !== ''),
  );
};

/** The body as JSON members; a body that is not a JSON object yields none (the emulator refuses it on its own). */
const bodyMembers = (body: Buffer): Record<string, unknown> => {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

const readMembers = (
  model: ServiceModel,
  shapeName: string,
  fromLocation: (ref: MemberRef, name: string) => unknown,
  body: Buffer,
): Record<string, unknown> => {
  const shape = shapeNamed(model, shapeName);
  const members: Record<string, unknown> = {};
  const payload = shape.payload;
  // Without a payload member the body is a JSON object of the unbound members.
  const json = payload === undefined ? bodyMembers(body) : {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    let value: unknown;
    if (ref.location !== undefined) value = fromLocation(ref, name);
    else if (name === payload)
      value = shapeNamed(model, ref.shape).type === 'blob' ? (body.length > 0 ? body : undefined) : bodyMembers(body);
    else value = json[name];
    if (value !== undefined) members[name] = value;
  }
  // Body members the shape does not put in the body stay in, for the answer check to report; one the
  // model binds elsewhere (retryAfterSeconds to Retry-After) is renamed so as not to hide behind it.
  for (const [name, value] of Object.entries(json)) {
    const ref = shape.members?.[name];
    if (ref === undefined) members[name] = value;
    else if (ref.location !== undefined || name === payload) members[`${name} (in the body)`] = value;
  }
  return members;
};

export const restRequestInput = (model: ServiceModel, operation: OperationModel, request: RestRequest): Record<string, unknown> => {
  if (!operation.input) return {};
  const labels = uriLabels(operation.http.requestUri, request.path);
  return readMembers(
    model,
    operation.input.shape,
    (ref, name) => {
      const wireName = ref.locationName ?? name;
      if (ref.location === 'uri') return labels[wireName];
      if (ref.location === 'querystring') return request.query.get(wireName) ?? undefined;
      if (ref.location === 'header') return header(request.headers, wireName);
      return undefined;
    },
    request.body,
  );
};

/** An answer's or an error's members, from its status, headers and body, by `shapeName`'s bindings. */
export const restResponseMembers = (model: ServiceModel, shapeName: string, response: RestResponse): Record<string, unknown> =>
  readMembers(
    model,
    shapeName,
    (ref, name) => {
      if (ref.location === 'statusCode') return response.status;
      if (ref.location === 'header') return header(response.headers, ref.locationName ?? name);
      return undefined;
    },
    response.body,
  );
