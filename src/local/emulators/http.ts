import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server that can be closed without waiting for idle keep-alive sockets. */
export interface LoopbackServer {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export type RequestHandler = (request: IncomingMessage, body: string, response: ServerResponse) => void | Promise<void>;
export type BytesHandler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void | Promise<void>;

/** Bodies larger than this are cut off (the socket is destroyed): no API here takes more than a few MB. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * A 127.0.0.1 server handing whole request bodies as bytes. Port 0 picks a free port. Handler errors
 * become a bare 500 so a bug never hangs a client.
 */
export const listenLoopback = async (port: number, handler: BytesHandler): Promise<LoopbackServer> => {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => {
      Promise.resolve()
        .then(() => handler(request, Buffer.concat(chunks), response))
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

/** The same server handing bodies as UTF-8 text (the JSON and form-encoded protocols). */
export const startLoopbackServer = (port: number, handler: RequestHandler): Promise<LoopbackServer> =>
  listenLoopback(port, (request, body, response) => handler(request, body.toString('utf8'), response));

export const headerValue = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

export const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
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
