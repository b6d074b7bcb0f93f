import type { LocalStack } from '../../local/stack';
import { localConsoleBackend } from './consoleBackend';
import { consoleFile, removeConsoleFile, writeConsoleFile } from './consoleFile';
import { type ConsoleServer, startConsoleServer } from './consoleServer';

export { ConsolePortInUseError, DEFAULT_CONSOLE_PORT, type ConsoleServer } from './consoleServer';

/**
 * The console of the local stack this process runs and owns the data folder for (`serve`, `drill`). Its login
 * link is kept in the folder's console.json, owner-only, beside the users' keys (users.json, owner-only too).
 */
export const startStackConsole = async (stack: LocalStack, port: number): Promise<ConsoleServer> => {
  const server = await startConsoleServer({ port, backend: localConsoleBackend(stack) });
  try {
    writeConsoleFile(stack.dataDir, { url: server.url, loginUrl: server.loginUrl });
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    ...server,
    close: async () => {
      removeConsoleFile(stack.dataDir, server.loginUrl);
      await server.close();
    },
  };
};

/** The lines the owner prints at start: the login link, and where it is kept (`dataDir`: serve's and drill's). */
export const consoleLines = (server: ConsoleServer, dataDir?: string): string[] => [
  `  Console (web)               ${server.loginUrl}`,
  `    open this link to sign in (it is the console's key: share it with no one${dataDir ? `; kept in ${consoleFile(dataDir)}, owner-only` : ''})`,
];
