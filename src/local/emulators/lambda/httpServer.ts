import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type BytesHandler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => Promise<void> | void;

export interface HttpEndpoint {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** Bodies larger than this are cut off (the socket is destroyed): no API here takes more than a few MB. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** A 127.0.0.1 server handing whole request bodies as bytes. Port 0 picks a free port. */
export const listenLoopback = async (port: number, handler: BytesHandler): Promise<HttpEndpoint> => {
  const server = createServer((request, response) => {
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
          if (response.headersSent) return void response.destroy();
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

export const headerValue = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};
