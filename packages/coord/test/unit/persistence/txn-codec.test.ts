/** Every txn type survives encode → decode, with and without a digest; framing rejects damage. */
import { describe, expect, it } from 'vitest';
import { OpCode } from '../../../src/jute/opcodes.js';
import { decodeLoggedTxn, encodeLoggedTxn } from '../../../src/server/persistence/txn-codec.js';
import { encodeLogEntry, encodeLogHeader, scanLog } from '../../../src/server/persistence/txn-log-format.js';
import type { TxnEntry } from '../../../src/server/txn.js';
import { replacer } from '../server/helpers.js';
import { buildWorkload } from './workload.js';

const json = (v: unknown): string => JSON.stringify(v, replacer);
const typesOf = (entries: readonly TxnEntry[]): Set<number> =>
  new Set(entries.flatMap((e) => [e.header.type, ...(e.txn.type === OpCode.multi ? e.txn.txns.map((t) => t.type) : [])]));

describe('txn codec', () => {
  const { entries } = buildWorkload();

  it('the workload covers every txn type', () => {
    const seen = typesOf(entries);
    for (const t of [OpCode.createSession, OpCode.closeSession, OpCode.create, OpCode.create2, OpCode.createContainer, OpCode.createTTL, OpCode.delete, OpCode.deleteContainer, OpCode.setData, OpCode.setACL, OpCode.check, OpCode.multi, OpCode.error]) {
      expect(seen.has(t), `type ${t}`).toBe(true);
    }
  });

  it.each([false, true])('round-trips every entry (digest: %s)', (withDigest) => {
    for (const entry of entries) {
      const logged = withDigest ? { entry, digest: { version: 2, treeDigest: 0x1234_5678_9abcn } } : { entry };
      const bytes = encodeLoggedTxn(logged);
      const back = decodeLoggedTxn(bytes);
      expect(JSON.parse(json(back))).toEqual(JSON.parse(json(logged)));
      expect(encodeLoggedTxn(back)).toEqual(bytes);
    }
  });

  it('reads a pre-3.3 CreateTxnV0 (no parentCVersion) as parentCVersion -1', () => {
    const create = entries.find((e) => e.txn.type === OpCode.create) as TxnEntry;
    const bytes = encodeLoggedTxn({ entry: create });
    const back = decodeLoggedTxn(bytes.subarray(0, bytes.length - 4));
    expect(back.entry.txn.type === OpCode.create && back.entry.txn.record.parentCVersion).toBe(-1);
  });

  it('scans a framed log and stops at the zero preallocation', () => {
    const file = Buffer.concat([encodeLogHeader(), ...entries.map((entry) => encodeLogEntry({ entry })), Buffer.alloc(1000)]);
    const scan = scanLog(file);
    expect(scan.tail.kind).toBe('end');
    expect(scan.entries.map((e) => e.logged.entry.header.zxid)).toEqual(entries.map((e) => e.header.zxid));
  });
});
