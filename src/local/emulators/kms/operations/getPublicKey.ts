import { type Json, type KmsContext, stringMember } from '../context';
import { publicKeyDer } from '../ecdsa';
import { unsupportedOperation } from '../errors';
import { resolveKey } from '../keyIds';
import { keyAlgorithms } from '../keyMetadata';

/** GetPublicKey: the DER-encoded SubjectPublicKeyInfo (base64 in JSON), for anyone to verify signatures without KMS. */
export const getPublicKey = (context: KmsContext, input: Json): Json => {
  const key = resolveKey(context.store, context.home, stringMember(input, 'KeyId') ?? '');
  if (!key.privateKeyPem) throw unsupportedOperation(`${key.arn} is a symmetric key: it has no public key.`);
  return {
    KeyId: key.arn,
    PublicKey: publicKeyDer(key.privateKeyPem).toString('base64'),
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
    ...keyAlgorithms(key),
  };
};
