import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** What the owner keeps for its own user: the console's URL and the login link that signs a browser in. */
export interface ConsoleFile {
  url: string;
  loginUrl: string;
}

export const consoleFile = (dataDir: string): string => join(dataDir, 'console.json');

/**
 * Written owner-only (0600), through a temporary file created so: the login link is the console's key, and any
 * other user of the machine who read it could act as every operator. serve.json stays readable; it has no key.
 */
export const writeConsoleFile = (dataDir: string, contents: ConsoleFile): void => {
  const file = consoleFile(dataDir);
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(contents, null, 2)}\n`, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
};

/** The console's file, or undefined when there is none (or it is not one). */
export const readConsoleFile = (dataDir: string): ConsoleFile | undefined => {
  try {
    const parsed = JSON.parse(readFileSync(consoleFile(dataDir), 'utf8')) as Partial<ConsoleFile>;
    return typeof parsed.url === 'string' && typeof parsed.loginUrl === 'string'
      ? { url: parsed.url, loginUrl: parsed.loginUrl }
      : undefined;
  } catch {
    return undefined;
  }
};

/** Removed when its console stops, while it is still this console's (its key opens nothing any more). */
export const removeConsoleFile = (dataDir: string, loginUrl: string): void => {
  if (readConsoleFile(dataDir)?.loginUrl === loginUrl) rmSync(consoleFile(dataDir), { force: true });
};
