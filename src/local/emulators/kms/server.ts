import { RequestLog } from '../requestLog';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_PREFIX, handleAdmin } from '../awsQuery/admin';
import { type Clock, systemClock } from '../clock';
import { headerValue, type LoopbackServer, listenLoopback, requestPath } from '../http';
import { signingAccessKeyId } from '../sigv4';
import type { Json, KmsContext } from './context';
import { KmsError } from './errors';
import { kmsFaults, type KmsFaults } from './faults';
import { keyMetadata } from './keyMetadata';
import { checkedKmsError, checkedKmsOutput, checkKmsRequest } from './modelChecks';
import { isKmsOperation, type KmsOperationName } from './operationNames';
import { createAlias, listAliases } from './operations/aliases';
import { createKey } from './operations/createKey';
import { describeKey } from './operations/describeKey';
import { getPublicKey } from './operations/getPublicKey';
import { sign, verify } from './operations/signing';
import { KmsStore } from './store';

export interface KmsEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where to keep kms-emulator.json (keys, private keys included, and aliases); without it, in memory only. */
  dataDir?: string;
  region?: string;
  accountId?: string;
  /** Creation dates are read from this clock (default the system's). */
  clock?: Clock;
}

/** One request as the emulator saw it. */
export interface KmsRequestRecord {
  operation: string;
  at: string;
  /** The access key id it was signed with (the signature is not checked). */
  callerAccessKeyId?: string;
  /** The KeyId (or TargetKeyId) as the caller wrote it. */
  keyId?: string;
  /** 'OK', or the error type answered. */
  outcome: string;
}

export interface KmsEmulator extends LoopbackServer {
  region: string;
  accountId: string;
  faults: KmsFaults;
  /** Every request received, in order. */
  requests(): KmsRequestRecord[];
  clearRequests(): void;
  /** Every key's metadata, as DescribeKey returns it. */
  keys(): Json[];
  /** Where the keys are saved, if anywhere. */
  stateFile: string | undefined;
}

const TARGET_PREFIX = 'TrentService.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

type Operation = (context: KmsContext, input: Json) => Json;

const OPERATIONS: Record<KmsOperationName, Operation> = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  GetPublicKey: getPublicKey,
  Sign: sign,
  Verify: verify,
  CreateAlias: createAlias,
  ListAliases: listAliases,
};

const reply = (response: ServerResponse, status: number, body: unknown): void => {
  const payload = Buffer.from(JSON.stringify(body));
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': String(payload.length),
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(payload);
};

const parseInput = (body: Buffer): Json => {
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new KmsError('SerializationException', 'Request body is not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new KmsError('SerializationException', 'Request body must be a JSON object');
  }
  return input as Json;
};

/**
 * An HTTP server on 127.0.0.1 speaking KMS's awsJson1_1 protocol as @aws-sdk/client-kms sends and reads
 * it: POST / with `X-Amz-Target: TrentService.<Operation>` and a JSON body, answered with JSON, errors as
 * `{ "__type", "message" }`. In order: an unsigned request is MissingAuthenticationTokenException; an
 * operation not served is UnknownOperationException; a body that is not a JSON object
 * SerializationException; then injected faults, the model check of the request (ValidationException),
 * the operation, and the model check of the answer. Keys are real P-256 keys (./ecdsa.ts), saved in
 * the data folder. Control API: /__emulator/faults, requests, requests/reset, keys.
 */
export const startKmsEmulator = async (options: KmsEmulatorOptions = {}): Promise<KmsEmulator> => {
  const home = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
  const store = new KmsStore(options.dataDir);
  const now = options.clock ?? systemClock;
  const context: KmsContext = { store, home, now };
  const faults = kmsFaults();
  const log = new RequestLog<KmsRequestRecord>();
  const keys = (): Json[] => [...store.keys.values()].map((key) => keyMetadata(key, home));

  const answer = (request: IncomingMessage, body: Buffer, record: KmsRequestRecord): { status: number; body: unknown } => {
    const target = headerValue(request, 'x-amz-target') ?? '';
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    try {
      if (record.callerAccessKeyId === undefined) {
        throw new KmsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      if (request.method !== 'POST' || !isKmsOperation(name)) {
        throw new KmsError('UnknownOperationException', `The KMS emulator does not serve ${target || 'a request without X-Amz-Target'}`);
      }
      const input = parseInput(body);
      const keyId = input.KeyId ?? input.TargetKeyId;
      if (typeof keyId === 'string') record.keyId = keyId;
      const fault = faults.take(name);
      if (fault) throw new KmsError(fault.code, fault.message, fault.status);
      checkKmsRequest(name, input);
      return { status: 200, body: checkedKmsOutput(name, OPERATIONS[name](context, input)) };
    } catch (thrown) {
      const error =
        thrown instanceof KmsError
          ? thrown
          : new KmsError('KMSInternalException', `KMS emulator failure: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
      const checked = checkedKmsError(name, error);
      record.outcome = checked.type;
      return { status: checked.status, body: { __type: checked.type, message: checked.message } };
    }
  };

  const server = await listenLoopback(options.port ?? 0, (request, body, response) => {
    const path = requestPath(request);
    if (path.startsWith(ADMIN_PREFIX)) {
      handleAdmin(
        faults,
        {
          ...log.routes(),
          'GET keys': () => ({ keys: keys() }),
        },
        request,
        path,
        body.toString('utf8'),
        response,
      );
      return;
    }
    const caller = signingAccessKeyId(request);
    const target = headerValue(request, 'x-amz-target') ?? '';
    const record: KmsRequestRecord = {
      operation: target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target,
      at: new Date(now()).toISOString(),
      ...(caller === undefined ? {} : { callerAccessKeyId: caller }),
      outcome: 'OK',
    };
    log.add(record);
    const result = answer(request, body, record);
    reply(response, result.status, result.body);
  });

  return {
    ...server,
    region: home.region,
    accountId: home.accountId,
    faults,
    requests: () => log.all(),
    clearRequests: () => log.clear(),
    keys,
    stateFile: store.path,
  };
};
