/** A server this shell started for itself (`--start-apache`). */
export interface OwnServer {
  readonly connectString: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts Apache ZooKeeper on a free loopback port with the testing kit (temporary data
 * directory, TTL nodes enabled). Loaded on demand so the plain shell never touches the kit.
 */
export async function startOwnApacheZooKeeper(notice: (line: string) => void): Promise<OwnServer> {
  const { startApacheZooKeeper } = await import('../../testing/apache-zookeeper.js');
  notice('Starting Apache ZooKeeper...');
  const server = await startApacheZooKeeper();
  notice(`Started Apache ZooKeeper at ${server.connectString} (pid ${server.pid}, data in ${server.dataDir}); it stops when this shell exits`);
  return {
    connectString: server.connectString,
    pid: server.pid,
    stop: async () => {
      await server.stop();
      notice(`Stopped Apache ZooKeeper (pid ${server.pid})`);
    },
  };
}
