import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile, writeJsonFileAtomic } from '../jsonFile';
import type { BucketRecord, S3StateFile } from './records';

export const S3_STATE_FILE = 's3-emulator.json';
export const S3_BODIES_FOLDER = 's3-emulator-objects';

/**
 * The emulator's buckets, versions and bodies. With a data folder, the records are saved after each
 * change (atomically, in s3-emulator.json) and each body once, in a file named by its SHA-256 and written
 * before the record that names it: a restarted stack finds every version, lock and body as it left them.
 */
export class S3Store {
  readonly buckets = new Map<string, BucketRecord>();
  private readonly file: string | undefined;
  private readonly bodiesFolder: string | undefined;
  private readonly bodiesInMemory = new Map<string, Buffer>();

  constructor(dataDir?: string) {
    this.file = dataDir ? join(dataDir, S3_STATE_FILE) : undefined;
    this.bodiesFolder = dataDir ? join(dataDir, S3_BODIES_FOLDER) : undefined;
    const saved = this.file ? readJsonFile<S3StateFile>(this.file) : undefined;
    if (saved) {
      if (saved.version !== 1) throw new Error(`Unsupported S3 emulator state version ${String(saved.version)} in ${this.file}`);
      for (const bucket of saved.buckets) this.buckets.set(bucket.name, { ...bucket, objects: new Map(bucket.objects) });
    }
  }

  get path(): string | undefined {
    return this.file;
  }

  /** Keeps a body (once per content) and returns its SHA-256, the name to read it back by. */
  putBody(body: Buffer): string {
    const sha256 = createHash('sha256').update(body).digest('hex');
    if (!this.bodiesFolder) {
      this.bodiesInMemory.set(sha256, Buffer.from(body));
      return sha256;
    }
    const path = join(this.bodiesFolder, sha256);
    if (!existsSync(path)) {
      mkdirSync(this.bodiesFolder, { recursive: true });
      const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(temporary, body);
      renameSync(temporary, path);
    }
    return sha256;
  }

  body(sha256: string): Buffer {
    const body = this.bodiesFolder ? readFileSync(join(this.bodiesFolder, sha256)) : this.bodiesInMemory.get(sha256);
    if (!body) throw new Error(`The S3 emulator lost the body ${sha256}`);
    return body;
  }

  save(): void {
    if (!this.file) return;
    const state: S3StateFile = {
      version: 1,
      buckets: [...this.buckets.values()].map((bucket) => ({ ...bucket, objects: [...bucket.objects] })),
    };
    writeJsonFileAtomic(this.file, state);
  }
}
