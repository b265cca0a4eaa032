import type { OwnServer } from './apache.js';

/**
 * Starts coord's own server inside this process on a free loopback port (`--start-server`):
 * no Java needed. Its tree lives in memory and goes away when the shell exits.
 */
export async function startOwnCoordServer(notice: (line: string) => void): Promise<OwnServer> {
  const { startServer } = await import('../../server/server.js');
  const server = await startServer({ fourLetterWords: '*' });
  notice(`Started an embedded coord server at ${server.connectString} (in memory); it stops when this shell exits`);
  return {
    connectString: server.connectString,
    pid: process.pid,
    stop: async () => {
      await server.stop();
      notice('Stopped the embedded coord server');
    },
  };
}
