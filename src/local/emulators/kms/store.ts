import { join } from 'node:path';
import { readJsonFile, writeJsonFileAtomic } from '../jsonFile';
import type { AliasRecord, KeyRecord, KmsStateFile } from './keyRecords';

export const KMS_STATE_FILE = 'kms-emulator.json';

/**
 * The emulator's keys and aliases. With a data folder they are saved after each change (atomically)
 * and loaded at start, so a restarted stack signs with the same keys and old signatures still verify.
 */
export class KmsStore {
  readonly keys = new Map<string, KeyRecord>();
  readonly aliases = new Map<string, AliasRecord>();
  private readonly file: string | undefined;

  constructor(dataDir?: string) {
    this.file = dataDir ? join(dataDir, KMS_STATE_FILE) : undefined;
    const saved = this.file ? readJsonFile<KmsStateFile>(this.file) : undefined;
    if (saved) {
      if (saved.version !== 1) throw new Error(`Unsupported KMS emulator state version ${String(saved.version)} in ${this.file}`);
      for (const key of saved.keys) this.keys.set(key.keyId, key);
      for (const alias of saved.aliases) this.aliases.set(alias.aliasName, alias);
    }
  }

  get path(): string | undefined {
    return this.file;
  }

  addKey(key: KeyRecord): void {
    this.keys.set(key.keyId, key);
    this.save();
  }

  addAlias(alias: AliasRecord): void {
    this.aliases.set(alias.aliasName, alias);
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    const state: KmsStateFile = { version: 1, keys: [...this.keys.values()], aliases: [...this.aliases.values()] };
    writeJsonFileAtomic(this.file, state);
  }
}
