import { INSTALL_HINT, locateApacheZooKeeper, locateJava } from '../apache-zookeeper-install.js';
import { apacheJvmFlags, apacheLoggingFlags } from '../apache-jvm.js';
import { startEnsembleWith, type MemberLauncher } from './ensemble.js';
import type { EnsembleHandle, StartApacheEnsembleOptions } from './types.js';

/**
 * A local Apache ZooKeeper ensemble: one QuorumPeerMain JVM per member, each with its own
 * dataDir, myid and zoo.cfg, on free loopback ports. Resolves once every member serves and one
 * leads. Throws the install hint when ZooKeeper or Java is missing.
 */
export async function startApacheEnsemble(options: StartApacheEnsembleOptions): Promise<EnsembleHandle> {
  const install = locateApacheZooKeeper();
  const java = locateJava();
  if (install === undefined) throw new Error(INSTALL_HINT);
  if (java === undefined) throw new Error('No java binary found (set JAVA_HOME or put java on PATH); Apache ZooKeeper needs a JVM.');
  const level = options.logLevel ?? 'warn';
  const launcher: MemberLauncher = {
    kind: 'apache',
    describe: `Apache ZooKeeper (QuorumPeerMain, ${install.home})`,
    spec: async (configFile, memberDir) => ({
      command: java,
      args: [...apacheJvmFlags(options.jvm), ...(await apacheLoggingFlags(install, level, memberDir)), '-cp', install.classpath.join(':'), 'org.apache.zookeeper.server.quorum.QuorumPeerMain', configFile],
      cwd: memberDir,
    }),
  };
  return startEnsembleWith(launcher, options);
}
