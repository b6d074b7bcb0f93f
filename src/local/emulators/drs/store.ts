import { join } from 'node:path';
import { readJsonFile, writeJsonFileAtomic } from '../jsonFile';
import type { DrsStateFile, JobRecord, ServerStateRecord, SourceServerRecord } from './records';

export const DRS_STATE_FILE = 'drs-emulator.json';

/**
 * The emulator's records: registered source servers and every job. With a data folder they are
 * saved after each change (atomically) and loaded at start, so a restarted stack sees its jobs.
 */
export class DrsStore {
  readonly sourceServers = new Map<string, SourceServerRecord>();
  readonly jobs: JobRecord[] = [];
  /** Replication, launch configuration and snapshots the admin API set, kept apart so re-registering keeps them. */
  readonly serverStates = new Map<string, ServerStateRecord>();
  private readonly file: string | undefined;

  constructor(dataDir?: string) {
    this.file = dataDir ? join(dataDir, DRS_STATE_FILE) : undefined;
    const saved = this.file ? readJsonFile<DrsStateFile>(this.file) : undefined;
    if (saved) {
      if (saved.version !== 1) throw new Error(`Unsupported DRS emulator state version ${String(saved.version)} in ${this.file}`);
      for (const server of saved.sourceServers) this.sourceServers.set(server.sourceServerID, server);
      this.jobs.push(...saved.jobs);
      for (const [id, state] of Object.entries(saved.serverStates ?? {})) this.serverStates.set(id, state);
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

  /** Merges `change` into the server's state; a part set to undefined goes back to DRS's default. */
  updateServerState(sourceServerID: string, change: { [K in keyof ServerStateRecord]?: ServerStateRecord[K] | undefined }): void {
    const merged: Record<string, unknown> = { ...this.serverStates.get(sourceServerID), ...change };
    for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
    const next = merged as ServerStateRecord;
    if (Object.keys(next).length === 0) this.serverStates.delete(sourceServerID);
    else this.serverStates.set(sourceServerID, next);
    this.save();
  }

  serverState(sourceServerID: string): ServerStateRecord {
    return this.serverStates.get(sourceServerID) ?? {};
  }

  findJob(jobID: string): JobRecord | undefined {
    return this.jobs.find((job) => job.jobID === jobID);
  }

  private save(): void {
    if (!this.file) return;
    const state: DrsStateFile = {
      version: 1,
      sourceServers: [...this.sourceServers.values()],
      jobs: this.jobs,
      serverStates: Object.fromEntries(this.serverStates),
    };
    writeJsonFileAtomic(this.file, state);
  }
}
