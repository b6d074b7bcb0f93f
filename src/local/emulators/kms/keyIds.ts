import { notFound } from './errors';
import type { KeyRecord } from './keyRecords';
import type { KmsStore } from './store';

/** Where the emulator's keys live: one region of one account. */
export interface KmsHome {
  region: string;
  accountId: string;
}

export const keyArn = (home: KmsHome, keyId: string): string => `arn:aws:kms:${home.region}:${home.accountId}:key/${keyId}`;

export const aliasArn = (home: KmsHome, aliasName: string): string => `arn:aws:kms:${home.region}:${home.accountId}:${aliasName}`;

const ARN = /^arn:aws:kms:([^:]*):([^:]*):(key\/.+|alias\/.+)$/;

/**
 * The key a KeyId names, as KMS reads it: a key id, a key ARN, `alias/<name>` or an alias ARN. Anything
 * else, a key or alias this region of this account does not have, is NotFoundException, as KMS answers.
 */
export const resolveKey = (store: KmsStore, home: KmsHome, keyIdParameter: string): KeyRecord => {
  let reference = keyIdParameter;
  const arn = ARN.exec(keyIdParameter);
  if (arn) {
    if (arn[1] !== home.region || arn[2] !== home.accountId) throw notFound(`Key '${keyIdParameter}' does not exist`);
    reference = arn[3] as string;
  }
  if (reference.startsWith('alias/')) {
    const alias = store.aliases.get(reference);
    if (!alias) throw notFound(`Alias ${aliasArn(home, reference)} is not found.`);
    reference = alias.targetKeyId;
  } else if (reference.startsWith('key/')) {
    reference = reference.slice('key/'.length);
  }
  const key = store.keys.get(reference);
  if (key) return key;
  if (!arn && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(reference)) {
    throw notFound(`Invalid keyId '${keyIdParameter}'`);
  }
  throw notFound(`Key '${keyArn(home, reference)}' does not exist`);
};
