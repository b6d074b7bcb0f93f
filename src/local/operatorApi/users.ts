import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { reservedActorProblem } from '../../domain/execution';

/**
 * The local stack's operators: what IAM users and their policies are on AWS. Each has a principal ARN in the
 * local account, an access key pair the CLI signs with, and rights that play IAM's part on the API's routes.
 */
export const RIGHTS = ['drill', 'recovery', 'approve'] as const;
export type Right = (typeof RIGHTS)[number];

export interface LocalUser {
  name: string;
  principalArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  rights: Right[];
}

/** The account every local emulator answers for. */
export const LOCAL_ACCOUNT_ID = '000000000000';
/** A name alone gets these: operating drills and approving, never a real failover. */
export const DEFAULT_RIGHTS: readonly Right[] = ['drill', 'approve'];

/** IAM's own alphabet for user names. */
const USER_NAME = /^[\w+=,.@-]{1,64}$/;

/** A --users spec that cannot be taken as it is. */
export class UsersSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsersSpecError';
  }
}

export interface UserSpec {
  name: string;
  rights: Right[];
}

const isRight = (value: string): value is Right => (RIGHTS as readonly string[]).includes(value);

/** `alice:drill+recovery+approve,bob:drill+approve,carol` (a name alone: drill+approve). */
export const parseUsersSpec = (spec: string): UserSpec[] => {
  const users: UserSpec[] = [];
  for (const entry of spec.split(',').map((part) => part.trim())) {
    if (!entry) throw new UsersSpecError(`--users "${spec}" has an empty entry: name users as alice:drill+approve,bob`);
    const [name = '', rightsText, ...rest] = entry.split(':');
    if (rest.length) throw new UsersSpecError(`--users entry "${entry}" has more than one ":"`);
    if (!USER_NAME.test(name)) throw new UsersSpecError(`--users: "${name}" is not a user name (1-64 of letters, digits and _+=,.@-)`);
    const reserved = reservedActorProblem(name);
    if (reserved) throw new UsersSpecError(`--users: ${reserved}`);
    if (users.some((user) => user.name === name)) throw new UsersSpecError(`--users names "${name}" twice`);
    const rights = rightsText === undefined ? [...DEFAULT_RIGHTS] : rightsText.split('+').map((right) => right.trim());
    const unknown = rights.filter((right) => !isRight(right));
    if (unknown.length || rights.length === 0) {
      throw new UsersSpecError(`--users: "${entry}" has unknown rights ${unknown.join(', ') || '(none)'}; rights are ${RIGHTS.join(', ')}`);
    }
    users.push({ name, rights: RIGHTS.filter((right) => rights.includes(right)) });
  }
  return users;
};

export const usersFile = (dataDir: string): string => join(dataDir, 'users.json');

/** The users the data folder holds, or undefined when it holds none. */
export const readUsers = (dataDir: string): LocalUser[] | undefined => {
  const file = usersFile(dataDir);
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { users: LocalUser[] }).users;
};

/** Written owner-only (0600) through a temporary file: it holds secret keys. */
const writeUsers = (dataDir: string, users: LocalUser[]): void => {
  mkdirSync(dataDir, { recursive: true });
  const file = usersFile(dataDir);
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ users }, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
};

/** An access key id as IAM issues them: AKIA and 16 characters of [A-Z2-7]. */
const newAccessKeyId = (): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return `AKIA${[...randomBytes(16)].map((byte) => alphabet[byte % 32]).join('')}`;
};

const newSecretAccessKey = (): string => randomBytes(30).toString('base64');

export const principalArnOf = (name: string): string => `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${name}`;

export interface EnsuredUsers {
  users: LocalUser[];
  /** Users the folder held that the spec no longer names: their keys no longer work. */
  removed: string[];
}

/**
 * Makes the folder's users the spec's: a user it already holds keeps its keys (a CLI configured with them keeps
 * working) and takes the spec's rights; a new one gets fresh keys; one the spec leaves out is removed.
 */
export const ensureUsers = (dataDir: string, specs: UserSpec[]): EnsuredUsers => {
  const existing = readUsers(dataDir) ?? [];
  const users = specs.map((spec): LocalUser => {
    const known = existing.find((user) => user.name === spec.name);
    return {
      name: spec.name,
      principalArn: principalArnOf(spec.name),
      accessKeyId: known?.accessKeyId ?? newAccessKeyId(),
      secretAccessKey: known?.secretAccessKey ?? newSecretAccessKey(),
      rights: spec.rights,
    };
  });
  writeUsers(dataDir, users);
  return { users, removed: existing.filter((user) => !specs.some((spec) => spec.name === user.name)).map((user) => user.name) };
};
