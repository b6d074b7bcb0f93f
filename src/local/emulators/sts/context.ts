import type { Clock } from '../clock';
import type { IssuedCredentials } from './credentials';
import type { StsFaults } from './faults';
import type { TrustedRole } from './roles';

/** One request to the STS API, in the order received. */
export interface StsRequestRecord {
  action: string;
  /** By the emulator's clock, ISO 8601. */
  at: string;
  /** The access key id the request was signed with (Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/...). */
  callerAccessKeyId?: string;
  roleArn?: string;
  sessionName?: string;
  externalId?: string;
  /** SourceIdentity as sent: the verified principal behind the session. */
  sourceIdentity?: string;
  durationSeconds?: number;
  /** 'OK', or the error code answered. */
  outcome: string;
  /** The temporary access key id handed out (AssumeRole that succeeded). */
  issuedAccessKeyId?: string;
}

/** The emulator's state, which the actions and the control API share. */
export interface StsState {
  clock: Clock;
  /** The account of callers that are not roles this emulator issued credentials for. */
  homeAccountId: string;
  /** IAM users of the home account, by their access key id: GetCallerIdentity names them by their ARN. */
  users: ReadonlyMap<string, string>;
  faults: StsFaults;
  /** Trusted roles by ARN. */
  trusted: Map<string, TrustedRole>;
  /** Credentials handed out, by access key id. */
  issued: Map<string, IssuedCredentials>;
  /** Credentials expire this long after issue, whatever DurationSeconds asked (undefined: DurationSeconds decides). */
  lifetimeSeconds: number | undefined;
  /** Every request received, in order. */
  log: StsRequestRecord[];
}

/** What every action reads: the state, and the log record of the request it answers. */
export interface StsContext {
  state: StsState;
  record: StsRequestRecord;
}
