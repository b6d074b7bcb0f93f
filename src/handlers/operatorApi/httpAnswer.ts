import type { OperationResponse } from '../../operations/responses';

/** An HTTP API (payload format 2.0) answer: the operation's status, its response as the JSON body. */
export interface OperatorApiAnswer {
  statusCode: number;
  headers: { 'content-type': 'application/json' };
  body: string;
}

export const httpAnswer = ({ statusCode, ...response }: OperationResponse): OperatorApiAnswer => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(response),
});
