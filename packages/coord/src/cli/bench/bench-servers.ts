import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoordClient } from '../../client/client.js';
import { startApacheZooKeeper, type ApacheZooKeeper, type StartApacheZooKeeperOptions } from '../../testing/index.js';
import type { BenchOutput } from './run.js';
import { spawnCoordServer, type CoordServerProcess, type SpawnCoordServerOptions } from './server-child.js';

/**
 * The two servers a server-side bench compares — coord in its own process with a temporary
 * dataDir, Apache ZooKeeper from the testing kit — and their teardown, shared by `bench server`
 * and `bench recipes`: stop() closes the admin clients, stops both servers and removes the
 * dataDir; Ctrl-C does the same before exiting.
 */
export class BenchServers {
  coord: CoordServerProcess | undefined;
  coordDataDir: string | undefined;
  apache: ApacheZooKeeper | undefined;
  /** Clients the bench uses for setup; closed before the servers stop. */
  readonly admins: CoordClient[] = [];
  private readonly onSignal = () => {
    this.io.progress('interrupted: stopping the servers\n');
    void this.stop().finally(() => process.exit(130));
  };

  constructor(private readonly io: BenchOutput) {
    process.once('SIGINT', this.onSignal);
  }

  async startCoord(dataDirPrefix: string, options: Omit<SpawnCoordServerOptions, 'dataDir'>): Promise<CoordServerProcess> {
    this.coordDataDir = await mkdtemp(join(tmpdir(), dataDirPrefix));
    this.io.progress(`starting the coord server in a child process (dataDir ${this.coordDataDir}, forceSync ${options.forceSync === false ? 'off' : 'on'})...\n`);
    this.coord = await spawnCoordServer({ ...options, dataDir: this.coordDataDir });
    return this.coord;
  }

  async startApache(options: StartApacheZooKeeperOptions): Promise<ApacheZooKeeper> {
    this.apache = await startApacheZooKeeper(options);
    return this.apache;
  }

  async stop(): Promise<void> {
    await Promise.all(this.admins.splice(0).map((a) => a.close().catch(() => undefined)));
    const stopping: Promise<void>[] = [];
    if (this.coord !== undefined) {
      this.io.progress('stopping the coord server process\n');
      stopping.push(this.coord.stop());
    }
    if (this.apache !== undefined) {
      this.io.progress('stopping Apache ZooKeeper\n');
      stopping.push(this.apache.stop());
    }
    await Promise.all(stopping);
    this.coord = undefined;
    this.apache = undefined;
    if (this.coordDataDir !== undefined) {
      await rm(this.coordDataDir, { recursive: true, force: true, maxRetries: 3 });
      this.coordDataDir = undefined;
    }
  }

  /** Stops everything and stops listening for Ctrl-C. */
  async dispose(): Promise<void> {
    process.off('SIGINT', this.onSignal);
    await this.stop();
  }
}
