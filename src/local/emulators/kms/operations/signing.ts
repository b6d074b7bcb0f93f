import { createHash } from 'node:crypto';
import { type Json, type KmsContext, stringMember } from '../context';
import { SHA_256_BYTES, signDigest, verifyDigest } from '../ecdsa';
import { dryRunSucceeded, invalidKeyUsage, KmsError, validationError } from '../errors';
import { resolveKey } from '../keyIds';
import { P256_SIGNING_ALGORITHMS } from '../keyMetadata';

interface SigningRequest {
  arn: string;
  privateKeyPem: string;
  algorithm: string;
  /** The SHA-256 digest actually signed: of the message (RAW), or the message itself (DIGEST). */
  digest: Buffer;
}

/**
 * What Sign and Verify check, in KMS's order: the key exists, its usage is SIGN_VERIFY, the algorithm is
 * one the key offers, and a DIGEST message is exactly a SHA-256 digest long (a RAW message over 4,096
 * bytes never gets here: the model's length limit on Message refuses it as ValidationException). A
 * request with DryRun that passes all that is DryRunOperationException, as KMS answers it.
 */
const signingRequest = (context: KmsContext, input: Json, operation: 'Sign' | 'Verify'): SigningRequest => {
  const key = resolveKey(context.store, context.home, stringMember(input, 'KeyId') ?? '');
  if (key.keyUsage !== 'SIGN_VERIFY' || !key.privateKeyPem) {
    throw invalidKeyUsage(`${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`);
  }
  const algorithm = stringMember(input, 'SigningAlgorithm') ?? '';
  if (!(P256_SIGNING_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw invalidKeyUsage(`Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
  }
  const message = Buffer.from(stringMember(input, 'Message') ?? '', 'base64');
  const messageType = stringMember(input, 'MessageType') ?? 'RAW';
  let digest: Buffer;
  if (messageType === 'RAW') digest = createHash('sha256').update(message).digest();
  else if (messageType === 'DIGEST') {
    if (message.length !== SHA_256_BYTES) throw validationError(`Digest is invalid length for algorithm ${algorithm}.`);
    digest = message;
  } else throw validationError(`MessageType ${messageType} is only valid for ML-DSA keys.`);
  if (input.DryRun === true) throw dryRunSucceeded();
  return { arn: key.arn, privateKeyPem: key.privateKeyPem, algorithm, digest };
};

/** Sign: a DER-encoded ECDSA signature (base64 in JSON), exactly what `openssl dgst -sha256 -verify` takes. */
export const sign = (context: KmsContext, input: Json): Json => {
  const request = signingRequest(context, input, 'Sign');
  return {
    KeyId: request.arn,
    Signature: signDigest(request.privateKeyPem, request.digest).toString('base64'),
    SigningAlgorithm: request.algorithm,
  };
};

/**
 * Verify: SignatureValid true, or KMSInvalidSignatureException (KMS never answers false). The message
 * type need not be the one signed with: a RAW message verifies a signature made of its digest.
 */
export const verify = (context: KmsContext, input: Json): Json => {
  const request = signingRequest(context, input, 'Verify');
  const signature = Buffer.from(stringMember(input, 'Signature') ?? '', 'base64');
  if (!verifyDigest(request.privateKeyPem, request.digest, signature)) {
    throw new KmsError('KMSInvalidSignatureException', 'The signature does not verify with this key, message and signing algorithm.');
  }
  return { KeyId: request.arn, SignatureValid: true, SigningAlgorithm: request.algorithm };
};
