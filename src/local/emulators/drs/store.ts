import { join } from 'node:path';
import { readJsonFile, writeJsonFileAtomic } from '../jsonFile';
import type { DrsStateFile, JobRecord, SourceServerRecord } from './records';

export const DRS_STATE_FILE = 'drs-emulator.json';

/**
 * The emulator's records: registered source servers and every job. With a data folder they are
 * saved after each change (atomically) and loaded at start, so a restarted stack sees its jobs.
 */
export class DrsStore {
  readonly sourceServers = new Map<string, SourceServerRecord>();
  readonly jobs: JobRecord[] = [];
  private readonly file: string | undefined;

  constructor(dataDir?: string) {
    this.file = dataDir ? join(dataDir, DRS_STATE_FILE) : undefined;
    const saved = this.file ? readJsonFile<DrsStateFile>(this.file) : undefined;
    if (saved) {
      if (saved.version !== 1) throw new Error(`Unsupported DRS emulator state version ${String(saved.version)} in ${this.file}`);
      for (const server of saved.sourceServers) this.sourceServers.set(server.sourceServerID, server);
      this.jobs.push(...saved.jobs);
    }
  }

  get path(): string | undefined {
    return this.file;
  }

  registerSourceServers(servers: SourceServerRecord[]): void {
    for (const server of servers) this.sourceServers.set(server.sourceServerID, { ...server });
    this.save();
  }

  addJob(job: JobRecord): void {
    this.jobs.push(job);
    this.save();
  }

  findJob(jobID: string): JobRecord | undefined {
    return this.jobs.find((job) => job.jobID === jobID);
  }

  private save(): void {
    if (!this.file) return;
    const state: DrsStateFile = { version: 1, sourceServers: [...this.sourceServers.values()], jobs: this.jobs };
    writeJsonFileAtomic(this.file, state);
  }
}
