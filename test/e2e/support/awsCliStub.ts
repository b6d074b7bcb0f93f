/**
 * `aws` on PATH for the README's auditor walk-through (test/e2e/auditorOpenssl.e2e.test.ts): exactly the three
 * commands the walk-through runs, each printed as the AWS CLI v2 prints it, answered by the local S3 and KMS
 * emulators through the real SDK clients. Their endpoints come from AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL_KMS
 * (which the AWS CLI itself honours); without them it refuses, so it never reaches AWS. Any other command, option,
 * order or value is refused as a usage error (exit 252, as the AWS CLI exits on one): a README line the stub does
 * not take as written fails the test, rather than being read some other way.
 *
 * Run with `node --import tsx awsCliStub.ts <args>`.
 */
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, ListObjectVersionsCommand, type ListObjectVersionsCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { writeFileSync } from 'node:fs';

const USAGE_ERROR = 252;
const SERVICE_ERROR = 254;

/** A command line the stub does not take: the AWS CLI's usage error. */
class UsageError extends Error {}

/** A literal word, or a value the command takes there (`{ value: name }`): never empty, never an option. */
type Shape = Array<string | { value: string }>;

const SHAPES = {
  getObject: [
    's3api',
    'get-object',
    '--bucket',
    { value: 'bucket' },
    '--key',
    { value: 'key' },
    { value: 'outfile' },
    '--query',
    'Metadata.signature',
    '--output',
    'text',
  ],
  getPublicKey: ['kms', 'get-public-key', '--key-id', { value: 'keyId' }, '--output', 'text', '--query', 'PublicKey'],
  listObjectVersions: ['s3api', 'list-object-versions', '--bucket', { value: 'bucket' }, '--prefix', { value: 'prefix' }],
} satisfies Record<string, Shape>;

/** The values of `args` if they are exactly `shape`, word for word. */
const matched = (args: string[], shape: Shape): Record<string, string> | undefined => {
  if (args.length !== shape.length) return undefined;
  const values: Record<string, string> = {};
  for (const [index, part] of shape.entries()) {
    const arg = args[index] as string;
    if (typeof part === 'string') {
      if (arg !== part) return undefined;
    } else {
      if (arg === '' || arg.startsWith('--')) return undefined;
      values[part.value] = arg;
    }
  }
  return values;
};

const endpoint = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new UsageError(`${name} is not set: this stub only answers from the local emulators`);
  return value;
};

const clientOptions = (endpointName: string) => ({
  endpoint: endpoint(endpointName),
  region: process.env.AWS_REGION ?? 'us-east-1',
});

/** The date as the AWS CLI prints a timestamp: ISO 8601 with an explicit offset. */
const cliTimestamp = (date: Date | undefined): string | undefined => date?.toISOString().replace(/\.\d{3}Z$/, '+00:00');

const getObject = async ({ bucket, key, outfile }: Record<string, string>): Promise<string> => {
  const s3 = new S3Client({ ...clientOptions('AWS_ENDPOINT_URL_S3'), forcePathStyle: true });
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    writeFileSync(outfile as string, Buffer.from((await object.Body?.transformToByteArray()) ?? []));
    // --output text prints a missing value as None.
    return `${object.Metadata?.signature ?? 'None'}\n`;
  } finally {
    s3.destroy();
  }
};

const getPublicKey = async ({ keyId }: Record<string, string>): Promise<string> => {
  const kms = new KMSClient(clientOptions('AWS_ENDPOINT_URL_KMS'));
  try {
    const key = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    // The CLI prints a blob base64-encoded.
    return `${Buffer.from(key.PublicKey ?? []).toString('base64')}\n`;
  } finally {
    kms.destroy();
  }
};

/** Every page, as the AWS CLI gathers them: each version and each delete marker under the prefix. */
const listObjectVersions = async ({ bucket, prefix }: Record<string, string>): Promise<string> => {
  const s3 = new S3Client({ ...clientOptions('AWS_ENDPOINT_URL_S3'), forcePathStyle: true });
  const versions: object[] = [];
  const deleteMarkers: object[] = [];
  try {
    let page: ListObjectVersionsCommandOutput | undefined;
    do {
      page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          Prefix: prefix,
          ...(page?.NextKeyMarker ? { KeyMarker: page.NextKeyMarker } : {}),
          ...(page?.NextVersionIdMarker ? { VersionIdMarker: page.NextVersionIdMarker } : {}),
        }),
      );
      for (const version of page.Versions ?? [])
        versions.push({
          ETag: version.ETag,
          Size: version.Size,
          StorageClass: version.StorageClass,
          Key: version.Key,
          VersionId: version.VersionId,
          IsLatest: version.IsLatest,
          LastModified: cliTimestamp(version.LastModified),
        });
      for (const marker of page.DeleteMarkers ?? [])
        deleteMarkers.push({
          Key: marker.Key,
          VersionId: marker.VersionId,
          IsLatest: marker.IsLatest,
          LastModified: cliTimestamp(marker.LastModified),
        });
    } while (page.IsTruncated);
  } finally {
    s3.destroy();
  }
  const output = { ...(versions.length ? { Versions: versions } : {}), ...(deleteMarkers.length ? { DeleteMarkers: deleteMarkers } : {}) };
  return `${JSON.stringify(output, null, 4)}\n`;
};

const COMMANDS: Array<[Shape, (values: Record<string, string>) => Promise<string>]> = [
  [SHAPES.getObject, getObject],
  [SHAPES.getPublicKey, getPublicKey],
  [SHAPES.listObjectVersions, listObjectVersions],
];

const run = async (args: string[]): Promise<number> => {
  for (const [shape, command] of COMMANDS) {
    const values = matched(args, shape);
    if (!values) continue;
    try {
      process.stdout.write(await command(values));
      return 0;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const name = error instanceof Error ? error.name : 'Error';
      process.stderr.write(
        `\nAn error occurred (${name}) when calling ${args[1]}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return SERVICE_ERROR;
    }
  }
  throw new UsageError(`not a command this stub takes as written: aws ${args.join(' ')}`);
};

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`aws (stub): ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? USAGE_ERROR : SERVICE_ERROR);
  },
);
