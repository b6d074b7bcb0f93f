import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultControls } from '../faultRoutes';
import { type LoopbackServer, type RequestHandler, requestPath, startLoopbackServer } from '../http';
import type { ModelServiceName } from '../models';
import { signingAccessKeyId } from '../sigv4';
import { ADMIN_PREFIX, type AdminRoutes, handleAdmin } from './admin';
import { AwsQueryError } from './awsQueryError';
import { awsQueryModelChecks } from './modelChecks';
import { errorXml, resultXml, type XmlFields } from './xml';

/** One awsQuery request, as the front end read it. */
export interface AwsQueryCall {
  /** The Action parameter ('' when there is none). */
  action: string;
  /** The Version parameter, null when there is none. */
  version: string | null;
  /** Every parameter: the form-encoded body of a POST, the query string otherwise. */
  params: URLSearchParams;
  /** The access key id the request was signed with; undefined for an unsigned request (the signature is not checked). */
  caller: string | undefined;
}

/** One action: its <ActionResult> fields, or a thrown AwsQueryError. */
export type AwsQueryAction<Context> = (context: Context, call: AwsQueryCall) => XmlFields;

/** A service's actions, by the name that comes as Action=. */
export type AwsQueryActions<Context> = Readonly<Record<string, AwsQueryAction<Context>>>;

/** What one awsQuery emulator brings to the front end; the front end does the rest. */
export interface AwsQueryService<Context, FaultSpec> {
  /** Its model, the referee of requests, answers and errors (../models). */
  model: ModelServiceName;
  /** The xmlns of its answers and errors. */
  namespace: string;
  /** The API version: when set, a request naming another (or none) is InvalidAction, as STS answers it. */
  version?: string;
  actions: AwsQueryActions<Context>;
  /** InvalidAction's message, in the service's words. */
  unknownAction(action: string, version: string | null): string;
  /** An emulator bug is answered as this 500 (InternalFailure for STS, InternalError for SNS), "<label> emulator failure: ...". */
  internalError: { code: string; label: string };
  /** Called first for every request: what its action will read (and the place to log or count it). */
  begin(call: AwsQueryCall): Context;
  /** After the action is known and before the model check: throws to refuse the signer (as STS). */
  authenticate?(context: Context, call: AwsQueryCall): void;
  /** Called last: 'OK', or the code of the error answered. */
  settled?(context: Context, outcome: string): void;
  faults: FaultControls<FaultSpec>;
  /** The routes of /__emulator/ besides faults. */
  adminRoutes: AdminRoutes;
}

const sendXml = (response: ServerResponse, status: number, xml: string, requestId: string): void => {
  response.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': String(Buffer.byteLength(xml)),
    'x-amzn-RequestId': requestId,
  });
  response.end(xml);
};

/**
 * The awsQuery protocol as the SDK v3 clients of SNS and STS send and read it: a form-encoded POST /
 * with Action=...&Version=...&<parameters>, answered with
 * <ActionResponse><ActionResult>...</ActionResult><ResponseMetadata><RequestId>, and errors as
 * <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId>. In order: no Action is
 * MissingAction (400); an action not in the table (or another version) is InvalidAction (400); then
 * the service's authentication, the model check of the request, the action, the model check of the
 * answer. Paths under /__emulator/ are the control API.
 */
export const awsQueryHandler = <Context, FaultSpec>(service: AwsQueryService<Context, FaultSpec>): RequestHandler => {
  const checks = awsQueryModelChecks(service.model);

  const answer = (context: Context, call: AwsQueryCall): XmlFields => {
    const { action, version } = call;
    if (action === '') throw new AwsQueryError('MissingAction', 400, 'Missing Action');
    const run = Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
    if (!run || (service.version !== undefined && version !== service.version)) {
      throw new AwsQueryError('InvalidAction', 400, service.unknownAction(action, version));
    }
    service.authenticate?.(context, call);
    checks.checkRequest(action, call.params);
    const fields = run(context, call);
    checks.checkAnswer(action, fields);
    return fields;
  };

  return (request: IncomingMessage, body: string, response: ServerResponse): void => {
    const path = requestPath(request);
    if (path.startsWith(ADMIN_PREFIX)) {
      handleAdmin(service.faults, service.adminRoutes, request, path, body, response);
      return;
    }
    const requestId = randomUUID();
    const params = new URLSearchParams(request.method === 'POST' ? body : ((request.url ?? '').split('?')[1] ?? ''));
    const call: AwsQueryCall = {
      action: params.get('Action') ?? '',
      version: params.get('Version'),
      params,
      caller: signingAccessKeyId(request),
    };
    const context = service.begin(call);
    try {
      const fields = answer(context, call);
      service.settled?.(context, 'OK');
      sendXml(response, 200, resultXml(service.namespace, call.action, fields, requestId), requestId);
    } catch (thrown) {
      const { code, label } = service.internalError;
      const error = checks.checkedError(
        call.action,
        thrown instanceof AwsQueryError ? thrown : new AwsQueryError(code, 500, `${label} emulator failure: ${String(thrown)}`),
      );
      service.settled?.(context, error.code);
      sendXml(response, error.status, errorXml(service.namespace, error, requestId), requestId);
    }
  };
};

/** An awsQuery emulator on 127.0.0.1 (port 0 picks a free port). */
export const startAwsQueryServer = <Context, FaultSpec>(
  port: number,
  service: AwsQueryService<Context, FaultSpec>,
): Promise<LoopbackServer> => startLoopbackServer(port, awsQueryHandler(service));
