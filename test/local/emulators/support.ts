import { DrsClient, DrsClientConfig } from '@aws-sdk/client-drs';
import { SNSClient, SNSClientConfig } from '@aws-sdk/client-sns';

/** Real SDK clients; only the endpoint differs from AWS. */
const base = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };

export const drsClient = (endpoint: string, config: Partial<DrsClientConfig> = {}): DrsClient =>
  new DrsClient({ ...base, endpoint, ...config });

export const snsClient = (endpoint: string, config: Partial<SNSClientConfig> = {}): SNSClient =>
  new SNSClient({ ...base, endpoint, ...config });

/** `s-` and 17 alphanumerics, as DRS source server ids are. */
export const serverId = (n: number): string => `s-${String(n).padStart(17, '0')}`;

/** The error a promise rejects with (fails the test if it resolves). */
export const rejectionOf = async (promise: Promise<unknown>): Promise<Error & Record<string, any>> => {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, any>;
  }
  throw new Error('expected the call to fail');
};

export const postJson = async (url: string, body: unknown): Promise<unknown> => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
};

export const getJson = async (url: string): Promise<any> => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
};
