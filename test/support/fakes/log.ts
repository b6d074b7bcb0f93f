import type { Log } from '../../../src/operations/deps';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  extra: Array<Record<string, unknown>>;
}

/** A Log that keeps its lines, for tests to read. */
export class RecordingLog implements Log {
  readonly lines: LogLine[] = [];

  info(message: string, ...extra: Array<Record<string, unknown>>): void {
    this.lines.push({ level: 'info', message, extra });
  }

  warn(message: string, ...extra: Array<Record<string, unknown>>): void {
    this.lines.push({ level: 'warn', message, extra });
  }

  error(message: string, ...extra: Array<Record<string, unknown>>): void {
    this.lines.push({ level: 'error', message, extra });
  }

  messages(level?: LogLine['level']): string[] {
    return this.lines.filter((line) => level === undefined || line.level === level).map((line) => line.message);
  }
}
