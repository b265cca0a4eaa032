import { ErrorCode } from '../../errors/codes.js';
import { OpCode } from '../../jute/opcodes.js';
import { parentOf } from '../../util/paths.js';
import { apply, type WatchTables } from '../apply.js';
import type { DataTree } from '../data-tree.js';
import type { Txn, TxnEntry } from '../txn.js';
import { WatchTable } from '../watch-table.js';

/**
 * Replays one logged txn onto a recovered tree and session table (FileTxnSnapLog.processTransaction
 * + DataTree.processTxn), pure. Replay starts from a fuzzy snapshot, so a txn may already be
 * (partly) in the tree: each op is applied on its own and its failure ignored, as ZooKeeper does,
 * and a create that finds its node already there still moves the parent's cversion and pzxid
 * forward (the snapshot may have caught the child but not the parent's new cversion).
 */
const NO_WATCHES = (): WatchTables => ({ data: new WatchTable(), child: new WatchTable() });

function isCreate(txn: Txn): txn is Extract<Txn, { record: { parentCVersion: number } }> {
  return txn.type === OpCode.create || txn.type === OpCode.create2 || txn.type === OpCode.createContainer || txn.type === OpCode.createTTL;
}

function replayOne(tree: DataTree, watches: WatchTables, header: TxnEntry['header'], txn: Txn): void {
  const result = apply(tree, watches, { header, txn });
  if (result.err === ErrorCode.NODEEXISTS && isCreate(txn)) {
    // DataTree.setCversionPzxid
    const parent = tree.get(parentOf(txn.record.path));
    if (parent === undefined) return;
    const cversion = txn.record.parentCVersion === -1 ? (parent.stat.cversion + 1) | 0 : txn.record.parentCVersion;
    if (cversion > parent.stat.cversion) {
      parent.stat.cversion = cversion;
      parent.stat.pzxid = header.zxid;
    }
  }
}

export function replayTxn(tree: DataTree, sessions: Map<bigint, number>, entry: TxnEntry): void {
  const { header, txn } = entry;
  const watches = NO_WATCHES();
  switch (txn.type) {
    case OpCode.createSession:
      sessions.set(header.clientId, txn.record.timeOut);
      break;
    case OpCode.closeSession:
      sessions.delete(header.clientId);
      break;
    default:
      break;
  }
  if (txn.type === OpCode.multi && !txn.txns.some((t) => t.type === OpCode.error)) {
    for (const sub of txn.txns) replayOne(tree, watches, header, sub);
  } else {
    replayOne(tree, watches, header, txn);
  }
  if (header.zxid > tree.lastProcessedZxid) tree.lastProcessedZxid = header.zxid;
}
