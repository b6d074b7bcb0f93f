import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import type { MatchedRoute } from '../../handlers/operatorApi/routes';
import type { ReceivedRequest } from './verifySignature';
import { LOCAL_ACCOUNT_ID, type LocalUser } from './users';

/** The IAM user id IAM would give the user (AIDA...), derived from its access key so that it stays put. */
const userIdOf = (user: LocalUser): string => `AIDA${user.accessKeyId.slice(4)}`;

/**
 * The event API Gateway's HTTP API (payload format 2.0, IAM authorization) would hand the function for a
 * request it verified: the same shape, with the verified user in requestContext.authorizer.iam.
 */
export const apiGatewayEvent = (
  request: ReceivedRequest,
  route: MatchedRoute | undefined,
  user: LocalUser,
  context: { sourceIp: string; nowMs: number },
): APIGatewayProxyEventV2WithIAMAuthorizer => {
  const routeKey = route?.routeKey ?? '$default';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined && name !== 'authorization') headers[name] = value;
  const query: Record<string, string> = {};
  const params = new URLSearchParams(request.rawQuery);
  for (const name of new Set(params.keys())) query[name] = params.getAll(name).join(',');
  const body = request.body.length ? request.body.toString('utf8') : undefined;
  return {
    version: '2.0',
    routeKey,
    rawPath: request.path,
    rawQueryString: request.rawQuery,
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(route ? { pathParameters: route.pathParameters } : {}),
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      domainName: request.headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: context.sourceIp,
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(context.nowMs).toISOString(),
      timeEpoch: context.nowMs,
      authorizer: {
        iam: {
          accessKey: user.accessKeyId,
          accountId: LOCAL_ACCOUNT_ID,
          callerId: userIdOf(user),
          cognitoIdentity: null,
          principalOrgId: '',
          userArn: user.principalArn,
          userId: userIdOf(user),
        },
      },
    },
  };
};
