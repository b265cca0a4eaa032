import { hex } from '../../quorum/core/types.js';
import { Crc32 } from '../../server/persistence/checksum.js';
import { encodeLoggedTxn } from '../../server/persistence/txn-codec.js';
import type { TxnEntry } from '../../server/txn.js';
import type { Fingerprint } from './types.js';

const cache = new WeakMap<TxnEntry, Fingerprint>();

/** A txn's identity: CRC-32 and length of its logged bytes (header with zxid, cxid, time; record). */
export function fingerprint(entry: TxnEntry): Fingerprint {
  let fp = cache.get(entry);
  if (fp === undefined) {
    const bytes = encodeLoggedTxn({ entry });
    fp = `${new Crc32().update(bytes).value().toString(16).padStart(8, '0')}/${bytes.length}`;
    cache.set(entry, fp);
  }
  return fp;
}

/** `0x100000003 create s=0x1… c=4` for the trace. */
export function describeEntry(entry: TxnEntry): string {
  const h = entry.header;
  return `${hex(h.zxid)} ${opName(h.type)} s=${hex(h.clientId)} cxid=${h.cxid}`;
}

const OP_NAMES: Record<number, string> = {
  1: 'create',
  2: 'delete',
  5: 'setData',
  7: 'setACL',
  13: 'check',
  14: 'multi',
  15: 'create2',
  19: 'createContainer',
  20: 'deleteContainer',
  21: 'createTTL',
  [-10]: 'createSession',
  [-11]: 'closeSession',
  [-1]: 'error',
};

export function opName(type: number): string {
  return OP_NAMES[type] ?? `op${type}`;
}
