import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaApiError } from './errors';
import { headerValue } from '../http';
import { type InvokeResult, type LambdaService } from './lambdaService';
import { checkedLambdaResponse, lambdaRequestRefusal } from './modelChecks';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * Every answer goes out through here, checked against Lambda's model as an Invoke answer: the only
 * operation served (an UnknownOperationException is no modelled error, so it passes unchecked).
 */
const send = (response: ServerResponse, status: number, headers: Record<string, string>, body?: Buffer): void => {
  const checked = checkedLambdaResponse('Invoke', { status, headers, body: body ?? Buffer.alloc(0) });
  response.writeHead(checked.status, { ...checked.headers, 'content-length': String(checked.body.length) });
  response.end(checked.body);
};

const sendError = (response: ServerResponse, error: LambdaApiError): void =>
  send(
    response,
    error.status,
    {
      'content-type': 'application/json',
      'x-amzn-RequestId': randomUUID(),
      'x-amzn-ErrorType': error.type,
      ...error.headers,
    },
    Buffer.from(JSON.stringify(error.body)),
  );

/** A log tail like the runtime's START/END/REPORT lines, base64 as X-Amz-Log-Result carries it. */
const logTail = (requestId: string, startedMs: number): string =>
  Buffer.from(
    `START RequestId: ${requestId} Version: $LATEST\nEND RequestId: ${requestId}\n` +
      `REPORT RequestId: ${requestId}\tDuration: ${(Date.now() - startedMs).toFixed(2)} ms\n`,
  ).toString('base64');

const sendResult = (response: ServerResponse, result: InvokeResult, tail: boolean, startedMs: number): void => {
  const base = { 'content-type': 'application/json', 'x-amzn-RequestId': result.requestId };
  if (result.kind === 'accepted') return send(response, 202, base);
  if (result.kind === 'dryRun') return send(response, 204, base);
  const headers: Record<string, string> = { ...base, 'X-Amz-Executed-Version': '$LATEST' };
  if (result.kind === 'functionError') headers['X-Amz-Function-Error'] = 'Unhandled';
  if (tail) headers['X-Amz-Log-Result'] = logTail(result.requestId, startedMs);
  send(response, 200, headers, result.body);
};

/** The Invoke operation of the Lambda REST API (2015-03-31) over HTTP. */
export const lambdaHttpHandler =
  (service: LambdaService) =>
  async (request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = INVOKE_PATH.exec(url.pathname);
    if (request.method !== 'POST' || !match?.[1]) {
      return sendError(
        response,
        new LambdaApiError(404, 'UnknownOperationException', { message: `No operation at ${request.method} ${url.pathname}` }),
      );
    }
    const refusal = lambdaRequestRefusal('Invoke', { path: url.pathname, query: url.searchParams, headers: request.headers, body });
    if (refusal) return sendError(response, refusal);
    const startedMs = Date.now();
    const invocationType = headerValue(request, 'X-Amz-Invocation-Type');
    try {
      const result = await service.invoke({
        functionName: decodeURIComponent(match[1]),
        ...(url.searchParams.get('Qualifier') ? { qualifier: url.searchParams.get('Qualifier') as string } : {}),
        ...(invocationType ? { invocationType } : {}),
        payload: body,
      });
      const tail = headerValue(request, 'X-Amz-Log-Type') === 'Tail' && result.kind !== 'accepted';
      sendResult(response, result, tail, startedMs);
    } catch (error) {
      if (error instanceof LambdaApiError) return sendError(response, error);
      throw error;
    }
  };
