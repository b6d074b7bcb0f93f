import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { type AppConfig, clientOptions } from '../../config';
import { DIGEST_SIGNATURE_ALGORITHM } from '../../domain/digest';
import type { DigestArchive, DigestKeyPresence, DigestObject } from '../../ports/digestArchive';

/** The object metadata that carries a digest's signature, as CloudTrail's digests carry theirs. */
export const SIGNATURE_METADATA = 'signature';
export const SIGNATURE_ALGORITHM_METADATA = 'signature-algorithm';

/** S3 answers a lost If-None-Match with 412, or 409 when another conditional write to the key is in flight. */
const lostTheKey = (error: unknown): boolean =>
  error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 412 || error.$metadata.httpStatusCode === 409);

const notFound = (error: unknown): boolean =>
  error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404);

/**
 * S3 answers a GET or HEAD of a key whose current version is a delete marker 404, with `x-amz-delete-marker:
 * true`. The SDK models no output for an error, so the header is read from the raw response it keeps on the
 * exception (`$response`, set by its deserializer for every service error).
 */
const deleteMarkerAnswer = (error: unknown): boolean => {
  if (!(error instanceof S3ServiceException)) return false;
  const headers = error.$response?.headers ?? {};
  return Object.entries(headers).some(([name, value]) => name.toLowerCase() === 'x-amz-delete-marker' && value === 'true');
};

export class S3DigestArchive implements DigestArchive {
  private readonly client: S3Client;

  constructor(
    config: AppConfig,
    private readonly bucket: string,
    readonly prefix: string,
  ) {
    // Emulators are reached by path (`/<bucket>/<key>`), S3 itself by virtual host.
    this.client = new S3Client({
      ...clientOptions(config, config.endpoints.s3),
      forcePathStyle: config.endpoints.s3 !== undefined,
      maxAttempts: 3,
    });
  }

  location(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  async putIfAbsent(key: string, bytes: Buffer, signature: Buffer, retainUntil: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: bytes,
          ContentType: 'application/json',
          IfNoneMatch: '*',
          ObjectLockMode: 'COMPLIANCE',
          ObjectLockRetainUntilDate: new Date(retainUntil),
          Metadata: { [SIGNATURE_METADATA]: signature.toString('base64'), [SIGNATURE_ALGORITHM_METADATA]: DIGEST_SIGNATURE_ALGORITHM },
        }),
      );
      return true;
    } catch (error) {
      if (lostTheKey(error)) return false;
      throw error;
    }
  }

  async get(key: string): Promise<DigestObject | undefined> {
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = Buffer.from((await output.Body?.transformToByteArray()) ?? new Uint8Array());
      const signature = output.Metadata?.[SIGNATURE_METADATA];
      return { key, bytes, signature: signature === undefined ? undefined : Buffer.from(signature, 'base64') };
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  }

  async presence(key: string): Promise<DigestKeyPresence> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return 'present';
    } catch (error) {
      if (!notFound(error)) throw error;
      return deleteMarkerAnswer(error) ? 'deleted' : 'absent';
    }
  }

  async listKeys(startAfter?: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const output = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix,
          ...(token ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}),
        }),
      );
      keys.push(...(output.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
      token = output.IsTruncated ? output.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  destroy(): void {
    this.client.destroy();
  }
}
