import type { Stat } from '../../../src/jute/records/data.js';

/** A Stat with every field distinct, so a swapped pair of fields shows in golden bytes. */
export const stat: Stat = {
  czxid: 0x0000000100000002n,
  mzxid: 0x0000000100000003n,
  ctime: 1_700_000_000_000n,
  mtime: 1_700_000_000_001n,
  version: 3,
  cversion: -1,
  aversion: 0,
  ephemeralOwner: 0x0501234567890001n,
  dataLength: 5,
  numChildren: 2,
  pzxid: 0x0000000100000004n,
};

/** `stat` as jute bytes: 68 bytes in zookeeper.jute field order. */
export const statHex = `
  0000000100000002 0000000100000003 0000018bcfe56800 0000018bcfe56801
  00000003 ffffffff 00000000
  0501234567890001
  00000005 00000002
  0000000100000004`;
