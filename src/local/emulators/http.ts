import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server that can be closed without waiting for idle keep-alive sockets. */
export interface LoopbackServer {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export type RequestHandler = (request: IncomingMessage, body: string, response: ServerResponse) => void | Promise<void>;

/** Port 0 picks a free port. Handler errors become a bare 500 so a bug never hangs a client. */
export const startLoopbackServer = async (port: number, handler: RequestHandler): Promise<LoopbackServer> => {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      Promise.resolve()
        .then(() => handler(request, body, response))
        .catch((error: unknown) => {
          if (response.headersSent) {
            response.destroy();
            return;
          }
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(`emulator error: ${error instanceof Error ? error.message : String(error)}`);
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep sockets alive; without this, close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
};

export const sendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  response.end(payload);
};

/** The request's path without its query string. */
export const requestPath = (request: IncomingMessage): string => (request.url ?? '/').split('?')[0] ?? '/';
