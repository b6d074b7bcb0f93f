import { randomUUID } from 'node:crypto';
import { type Json, type KmsContext, stringMember } from '../context';
import { newP256PrivateKeyPem } from '../ecdsa';
import { unsupportedOperation, validationError } from '../errors';
import { keyArn } from '../keyIds';
import { keyMetadata } from '../keyMetadata';
import type { EmulatedKeySpec, EmulatedKeyUsage, KeyRecord } from '../keyRecords';

/** The usages KMS allows each key spec the emulator creates (KEY_AGREEMENT it does not emulate). */
const USAGES: Record<EmulatedKeySpec, readonly EmulatedKeyUsage[]> = {
  ECC_NIST_P256: ['SIGN_VERIFY'],
  SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
};

const isEmulatedSpec = (spec: string): spec is EmulatedKeySpec => Object.hasOwn(USAGES, spec);

/**
 * CreateKey: an ECC_NIST_P256 key for SIGN_VERIFY (a real P-256 key pair), or a SYMMETRIC_DEFAULT key
 * for ENCRYPT_DECRYPT (KMS's default; the emulator serves no encryption, but Sign must refuse it).
 * KeyUsage defaults to ENCRYPT_DECRYPT as in KMS, so an asymmetric key without it is refused. Key specs,
 * origins, custom key stores and multi-Region keys the emulator does not emulate are refused with
 * UnsupportedOperationException, saying so, rather than half done.
 */
export const createKey = (context: KmsContext, input: Json): Json => {
  if (input.KeySpec !== undefined && input.CustomerMasterKeySpec !== undefined) {
    throw validationError('You cannot specify both the KeySpec and CustomerMasterKeySpec parameters.');
  }
  const spec = stringMember(input, 'KeySpec') ?? stringMember(input, 'CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT';
  const usage = stringMember(input, 'KeyUsage') ?? 'ENCRYPT_DECRYPT';
  const origin = stringMember(input, 'Origin') ?? 'AWS_KMS';
  if (origin !== 'AWS_KMS') {
    throw unsupportedOperation(`The KMS emulator creates keys with origin AWS_KMS only, not ${origin}.`);
  }
  if (input.CustomKeyStoreId !== undefined || input.XksKeyId !== undefined) {
    throw unsupportedOperation('The KMS emulator has no custom key stores.');
  }
  if (input.MultiRegion === true) throw unsupportedOperation('The KMS emulator does not create multi-Region keys.');
  if (!isEmulatedSpec(spec)) {
    throw unsupportedOperation(`The KMS emulator creates ECC_NIST_P256 and SYMMETRIC_DEFAULT keys only, not ${spec}.`);
  }
  if (!(USAGES[spec] as readonly string[]).includes(usage)) {
    if (spec === 'ECC_NIST_P256' && usage === 'KEY_AGREEMENT') {
      throw unsupportedOperation('The KMS emulator does not create KEY_AGREEMENT keys.');
    }
    throw validationError(`KeyUsage ${usage} is not compatible with KeySpec ${spec}.`);
  }
  const keyId = randomUUID();
  const key: KeyRecord = {
    keyId,
    arn: keyArn(context.home, keyId),
    createdAt: context.now(),
    description: stringMember(input, 'Description') ?? '',
    keySpec: spec,
    keyUsage: usage as EmulatedKeyUsage,
    tags: Array.isArray(input.Tags) ? (input.Tags as KeyRecord['tags']) : [],
    ...(spec === 'ECC_NIST_P256' ? { privateKeyPem: newP256PrivateKeyPem() } : {}),
  };
  context.store.addKey(key);
  return { KeyMetadata: keyMetadata(key, context.home) };
};
