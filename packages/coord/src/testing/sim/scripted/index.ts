/**
 * Scripted, deterministic ensembles for scenario tests: PeerCores over the simulator's network
 * (fixed latency, no random faults), byte-level in-memory dataDirs with test-controlled fsync,
 * virtual time, and failpoints at every input, output and fsync of every peer.
 *
 * ```ts
 * const c = new ScriptedCluster({ size: 3 });
 * c.startAll();
 * const leader = c.awaitServing();
 * const [f1, f2] = c.followers();
 * c.pause(f1); c.pause(f2);                          // SIGSTOP
 * c.write(leader, create('/orphan'));                // logged only on the leader
 * c.runFor(30);
 * c.crashAll();                                      // power loss: unsynced bytes are gone
 * c.crashWhen(leader, points.receiving('TRUNC'));    // a failpoint for its next life
 * c.start(f1); c.start(f2); c.awaitServing(10_000, [f1, f2]);
 * c.start(leader);
 * c.settleAndCheck();                                // quiescence + every invariant
 * ```
 *
 * Crash options: `keepBytes` (how much of the page cache survives, so a write can be torn at any
 * byte) or `tearLast`. Disk control: `fsyncDelay(id, ms | 'manual')`, `fsync(id)`,
 * `takeSnapshot(id)`, and `peer(id).disk` for damage (corruptSnapshots, removeLogs, …) and for
 * `exportTo(dir)`, which writes the dataDir as real files for persistence/recovery.ts.
 * A crashed peer's connections die with it: packets it had in flight are lost.
 */
export { ScriptedCluster, ScriptedClient, describeEvent, type ClusterOptions, type Failpoint, type WriteHandle, type WriteStatus } from './cluster.js';
export { ScriptedDisk, RecoveryRefused, makeTree, type FsyncMode, type DiskRecovery } from './disk.js';
export { ScriptedPeer, defaultCoreFactory, type CrashOptions, type PeerEvent } from './peer.js';
export { create, setData, del, encodeOp, describeOp, type Op } from './ops.js';
export * as points from './points.js';
