import { DescribeKeyCommand, GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { DIGEST_SIGNATURE_ALGORITHM, type DigestDocument, digestBytes, digestKey, newDigest, sha256Hex } from '../../../src/domain/digest';
import { LOCAL_DIGEST_BUCKET, LOCAL_DIGEST_KEY_ALIAS } from '../../../src/local/digestInfrastructure';
import { type KmsEmulator, type S3Emulator, startKmsEmulator, startS3Emulator } from '../../../src/local/emulators';

const CREDENTIALS = { accessKeyId: 'auditor', secretAccessKey: 'auditor' };
export const PREFIX = 'digests/';

/** A digest object as S3 holds it: its bytes, and the DER signature its metadata carries (base64). */
export interface StoredObject {
  bytes: Buffer;
  signature: Buffer | undefined;
}

/**
 * A data folder's digest bucket and key, reached as anyone with access to the bucket would reach them: the KMS
 * and S3 emulators started on the folder's files, through the real SDK clients. No stack may run on the folder
 * meanwhile (both would write the emulators' files).
 */
export interface FolderBucket {
  kms: KmsEmulator;
  s3: S3Emulator;
  keyArn: string;
  get(key: string): Promise<StoredObject>;
  /** A new object under `key` (Object Lock forbids overwriting an existing one, and S3 refuses it). */
  put(key: string, bytes: Buffer, signature?: Buffer): Promise<void>;
  /** The signing key's public half, DER, as GetPublicKey answers it. */
  publicKeyDer(): Promise<Buffer>;
  /** A signature by the digest key itself (KMS Sign), as the digest writer, the only one allowed, makes it. */
  signWithTheKey(bytes: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

export const openFolderBucket = async (dataDir: string): Promise<FolderBucket> => {
  const kms = await startKmsEmulator({ dataDir });
  const s3 = await startS3Emulator({ dataDir });
  const kmsClient = new KMSClient({ endpoint: kms.endpoint, region: 'us-east-1', credentials: CREDENTIALS });
  const s3Client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials: CREDENTIALS, forcePathStyle: true });
  const described = await kmsClient.send(new DescribeKeyCommand({ KeyId: LOCAL_DIGEST_KEY_ALIAS }));
  return {
    kms,
    s3,
    keyArn: described.KeyMetadata?.Arn as string,
    get: async (key) => {
      const output = await s3Client.send(new GetObjectCommand({ Bucket: LOCAL_DIGEST_BUCKET, Key: key }));
      const signature = output.Metadata?.signature;
      return {
        bytes: Buffer.from(await (output.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()),
        signature: signature === undefined ? undefined : Buffer.from(signature, 'base64'),
      };
    },
    put: async (key, bytes, signature) => {
      await s3Client.send(
        new PutObjectCommand({
          Bucket: LOCAL_DIGEST_BUCKET,
          Key: key,
          Body: bytes,
          ...(signature ? { Metadata: { signature: signature.toString('base64'), 'signature-algorithm': 'ECDSA_SHA_256' } } : {}),
        }),
      );
    },
    publicKeyDer: async () =>
      Buffer.from((await kmsClient.send(new GetPublicKeyCommand({ KeyId: LOCAL_DIGEST_KEY_ALIAS }))).PublicKey ?? []),
    signWithTheKey: async (bytes) => {
      const signed = await kmsClient.send(
        new SignCommand({
          KeyId: LOCAL_DIGEST_KEY_ALIAS,
          Message: createHash('sha256').update(bytes).digest(),
          MessageType: 'DIGEST',
          SigningAlgorithm: DIGEST_SIGNATURE_ALGORITHM,
        }),
      );
      return Buffer.from(signed.Signature ?? []);
    },
    close: async () => {
      kmsClient.destroy();
      s3Client.destroy();
      await kms.close();
      await s3.close();
    },
  };
};

/** A P-256 private key of the forger's own: not the digest key, which only the digest writer may use. */
export const forgersKey = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

export const signedBy = (bytes: Buffer, key: KeyObject): Buffer => sign('sha256', bytes, { key, dsaEncoding: 'der' });

/**
 * A digest as the writer would make it (canonical JSON, numbered, linked to `previous`), claiming to be signed
 * by `keyArn`: what a forger with write access to the bucket, but not to the key, can make.
 */
export const forgedDigest = (
  digestSeq: number,
  keyArn: string,
  previous: { digestSeq: number; bytes: Buffer } | null,
  heads: DigestDocument['heads'],
): { key: string; bytes: Buffer } => {
  const document = newDigest({
    digestSeq,
    createdAt: new Date().toISOString(),
    trigger: 'Schedule',
    keyId: keyArn,
    previous: previous && { digestSeq: previous.digestSeq, key: digestKey(PREFIX, previous.digestSeq), sha256: sha256Hex(previous.bytes) },
    heads,
  });
  return { key: digestKey(PREFIX, digestSeq), bytes: digestBytes(document) };
};

/**
 * The next digest of the chain, after `previous` (read from the bucket), sealing `heads`, signed by the digest key:
 * what the digest writer would store, for a ledger a test wrote behind its back.
 */
export const sealNext = async (bucket: FolderBucket, previous: { digestSeq: number; key: string }, heads: DigestDocument['heads']) => {
  const { bytes } = await bucket.get(previous.key);
  const digest = forgedDigest(previous.digestSeq + 1, bucket.keyArn, { digestSeq: previous.digestSeq, bytes }, heads);
  await bucket.put(digest.key, digest.bytes, await bucket.signWithTheKey(digest.bytes));
  return { digestSeq: previous.digestSeq + 1, key: digest.key };
};
