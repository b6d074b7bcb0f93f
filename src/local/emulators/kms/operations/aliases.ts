import { type Json, type KmsContext, stringMember } from '../context';
import { KmsError, validationError } from '../errors';
import { aliasArn, resolveKey } from '../keyIds';
import type { AliasRecord } from '../keyRecords';

const DEFAULT_LIMIT = 50;

const invalidAliasName = (message: string): KmsError => new KmsError('InvalidAliasNameException', message);

/**
 * CreateAlias: `alias/<name>` for a key named by its id or ARN. An alias that exists is
 * AlreadyExistsException (UpdateAlias, not served, would move it); `alias/aws/` is AWS's.
 */
export const createAlias = (context: KmsContext, input: Json): Json => {
  const aliasName = stringMember(input, 'AliasName') ?? '';
  const target = stringMember(input, 'TargetKeyId') ?? '';
  if (!aliasName.startsWith('alias/') || aliasName === 'alias/') throw invalidAliasName('Alias must start with the prefix "alias/".');
  if (aliasName.startsWith('alias/aws/'))
    throw invalidAliasName('Alias names that begin with "alias/aws/" are reserved for AWS managed keys.');
  if (target.startsWith('alias/') || /^arn:aws:kms:[^:]*:[^:]*:alias\//.test(target)) {
    throw validationError('Aliases must refer to keys, not to other aliases.');
  }
  const key = resolveKey(context.store, context.home, target);
  if (context.store.aliases.has(aliasName)) {
    throw new KmsError('AlreadyExistsException', `An alias with the name ${aliasArn(context.home, aliasName)} already exists`);
  }
  const now = context.now();
  context.store.addAlias({ aliasName, targetKeyId: key.keyId, createdAt: now, lastUpdatedAt: now });
  return {};
};

const aliasEntry = (context: KmsContext, alias: AliasRecord): Json => ({
  AliasName: alias.aliasName,
  AliasArn: aliasArn(context.home, alias.aliasName),
  TargetKeyId: alias.targetKeyId,
  CreationDate: alias.createdAt / 1000,
  LastUpdatedDate: alias.lastUpdatedAt / 1000,
});

/** ListAliases, by name, of every key or of one (KeyId), in pages of Limit (default 50); Marker is opaque. */
export const listAliases = (context: KmsContext, input: Json): Json => {
  const filter = stringMember(input, 'KeyId');
  const keyId = filter === undefined ? undefined : resolveKey(context.store, context.home, filter).keyId;
  const limit = typeof input.Limit === 'number' ? input.Limit : DEFAULT_LIMIT;
  const all = [...context.store.aliases.values()]
    .filter((alias) => keyId === undefined || alias.targetKeyId === keyId)
    .sort((a, b) => (a.aliasName < b.aliasName ? -1 : a.aliasName > b.aliasName ? 1 : 0));
  let start = 0;
  const marker = stringMember(input, 'Marker');
  if (marker !== undefined) {
    const after = Buffer.from(marker, 'base64url').toString('utf8');
    start = all.findIndex((alias) => alias.aliasName > after);
    if (!after.startsWith('alias/')) throw new KmsError('InvalidMarkerException', 'The marker is not valid.');
    if (start < 0) start = all.length;
  }
  const page = all.slice(start, start + limit);
  const truncated = start + limit < all.length;
  const last = page[page.length - 1];
  return {
    Aliases: page.map((alias) => aliasEntry(context, alias)),
    Truncated: truncated,
    ...(truncated && last ? { NextMarker: Buffer.from(last.aliasName, 'utf8').toString('base64url') } : {}),
  };
};
