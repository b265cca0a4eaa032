/** Persistence in Apache ZooKeeper's version-2 dataDir format: the facade and the pure codecs. */
export { openDataDir, type DataDir, type DataDirOptions } from './data-dir.js';
export { PersistenceFormatError, RecoveryRefusedError } from './errors.js';
export { recover, type Recovered, type RecoveryOptions } from './recovery.js';
export { purge } from './purge.js';
export { decodeSnapshot, encodeSnapshot, type SnapshotImage } from './snapshot-format.js';
export { encodeTreeSnapshot, snapshotSteps, treeOfImage } from './snapshot-tree.js';
export { scanLog, encodeLogEntry, encodeLogHeader } from './txn-log-format.js';
export { decodeLoggedTxn, encodeLoggedTxn, type LoggedTxn } from './txn-codec.js';
