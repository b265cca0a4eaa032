import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running HTTP endpoint: the port it bound and a close() that also ends idle keep-alive sockets. */
export interface HttpEndpoint {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Listens on host:port (0 = a free port) and resolves once bound. */
export async function listenHttp(host: string, port: number, handler: http.RequestListener): Promise<HttpEndpoint> {
  // A handler that throws must cost one request a 500, never the process.
  const server = http.createServer((req, res) => {
    try {
      handler(req, res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${(err as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      // After the bind, an accept error (EMFILE ...) must not become an uncaught exception.
      server.on('error', () => undefined);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return { host, port: bound, close, [Symbol.asyncDispose]: close };
}
