import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago: listen on port 0, read the port the kernel chose, close.
 *
 * There is a window between close and the caller's bind in which another process could take the
 * port; for tests on loopback that is accepted practice (the kernel hands out ephemeral ports
 * round-robin, so an immediate reuse is unlikely). Prefer listening on port 0 directly where the
 * code under test allows it.
 */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close(() => reject(new Error(`could not read the port bound on ${host}`)));
        return;
      }
      server.close((err) => (err === undefined ? resolve(address.port) : reject(err)));
    });
  });
}
