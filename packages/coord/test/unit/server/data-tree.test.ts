import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeExistsError, NoNodeError } from '../../../src/errors/errors.js';
import type { Stat } from '../../../src/jute/records/data.js';
import { CONFIG_NODE, DataTree, QUOTA_NODE, ROOT, SYSTEM_NODE } from '../../../src/server/data-tree.js';
import { CONTAINER_OWNER, ttlOwner } from '../../../src/server/ephemeral-type.js';
import { OPEN_ACL, READ_ACL, bytes, extendedTree } from './helpers.js';

const SEED = 0x0da7_a7ee;

function stat(tree: DataTree, path: string): Stat {
  const node = tree.get(path);
  if (node === undefined) throw new Error(`no node ${path}`);
  return tree.statOf(node);
}

/** Stat with every field zero except the ones given (the shape of a system node's Stat). */
function zeroStat(fields: Partial<Stat>): Stat {
  return { czxid: 0n, mzxid: 0n, ctime: 0n, mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 0, numChildren: 0, pzxid: 0n, ...fields };
}

describe('DataTree: the initial tree', () => {
  // Ground truth: a scratch Java program against /usr/share/java/zookeeper.jar (3.8.0) ran
  // `new DataTree()` and printed `getACL(path, stat)` for each system node:
  //   /                 cversion=-1 numChildren=1, everything else 0, acl [31 world:anyone]
  //   /zookeeper        cversion=-2 numChildren=2, acl [31 world:anyone]
  //   /zookeeper/quota  all 0, acl [31 world:anyone]
  //   /zookeeper/config aversion=-1, acl [1 world:anyone] (addConfigNode calls setACL(path, READ_ACL_UNSAFE, -1))
  it('holds the four system nodes with the children ZooKeeper gives them', () => {
    const tree = new DataTree();
    expect([...tree.nodes.keys()].sort()).toEqual([ROOT, SYSTEM_NODE, CONFIG_NODE, QUOTA_NODE].sort());
    expect([...tree.get(ROOT)!.children]).toEqual(['zookeeper']);
    expect([...tree.get(SYSTEM_NODE)!.children].sort()).toEqual(['config', 'quota']);
    expect(tree.get(QUOTA_NODE)!.children.size).toBe(0);
    expect(tree.get(CONFIG_NODE)!.children.size).toBe(0);
    expect(tree.lastProcessedZxid).toBe(0n);
    expect(tree.ephemeralCount).toBe(0);
  });

  // Ground truth (same Java program): getNodeCount() is 5 for a fresh DataTree (the root is in
  // the map under "" and "/") and 6 after one createNode.
  it('counts nodes as ZooKeeper reports them: 5 for a fresh tree', () => {
    const tree = new DataTree();
    expect(tree.nodeCount).toBe(5);
    tree.createNode('/a', null, OPEN_ACL, 0n, 1, 1n, 1n);
    expect(tree.nodeCount).toBe(6);
    tree.deleteNode('/a', 2n);
    expect(tree.nodeCount).toBe(5);
  });

  it('reports the system nodes\' stats as Apache ZooKeeper 3.8 does (the cversion quirk on / and /zookeeper)', () => {
    const tree = new DataTree();
    expect(stat(tree, ROOT)).toEqual(zeroStat({ cversion: -1, numChildren: 1 }));
    expect(stat(tree, SYSTEM_NODE)).toEqual(zeroStat({ cversion: -2, numChildren: 2 }));
    expect(stat(tree, QUOTA_NODE)).toEqual(zeroStat({}));
    expect(stat(tree, CONFIG_NODE)).toEqual(zeroStat({ aversion: -1 }));
  });

  it('makes /zookeeper/config world-readable only and leaves the others open', () => {
    const tree = new DataTree();
    expect(tree.get(CONFIG_NODE)!.acl).toEqual(READ_ACL);
    for (const p of [ROOT, SYSTEM_NODE, QUOTA_NODE]) expect(tree.get(p)!.acl).toEqual(OPEN_ACL);
  });

  it('stores the dynamic config text as /zookeeper/config data', () => {
    const config = bytes('server.1=localhost:2888:3888:participant;0.0.0.0:2181\nversion=100000000');
    const tree = new DataTree(config);
    expect(tree.get(CONFIG_NODE)!.data).toEqual(config);
    expect(stat(tree, CONFIG_NODE).dataLength).toBe(config.length);
  });

  // Ground truth (same Java program): a fresh DataTree reports approximateDataSize() = 44 and
  // cachedApproximateDataSize() = 44. ZooKeeper keeps the root under both "" and "/" and sums
  // key length + data length over the map: 0 + 1 + 10 (/zookeeper) + 16 (/zookeeper/quota) +
  // 17 (/zookeeper/config). mntr's zk_approximate_data_size reports that number.
  it('starts approximateDataSize at 44 (+ config length), as ZooKeeper counts the root "/"', () => {
    expect(new DataTree().approximateDataSize).toBe(44);
    expect(new DataTree(bytes('version=1')).approximateDataSize).toBe(44 + 9);
  });
});

describe('DataTree: createNode, deleteNode, setData, setACL', () => {
  // Ground truth: the Java program replayed exactly these calls on a DataTree and printed
  // getACL("/a", stat) after each step; the expected Stats below are its output.
  it('moves czxid/mzxid/pzxid/ctime/mtime/version/cversion/aversion as ZooKeeper does', () => {
    const tree = new DataTree();
    tree.createNode('/a', bytes('hello'), OPEN_ACL, 0n, 1, 10n, 1000n);
    expect(stat(tree, '/a')).toEqual({ czxid: 10n, mzxid: 10n, ctime: 1000n, mtime: 1000n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 5, numChildren: 0, pzxid: 10n });
    expect(stat(tree, ROOT)).toMatchObject({ cversion: 0, numChildren: 2, pzxid: 10n, mzxid: 0n });

    tree.createNode('/a/x', new Uint8Array(3), OPEN_ACL, 0n, 1, 11n, 1001n);
    tree.createNode('/a/y', null, OPEN_ACL, 0n, 2, 12n, 1002n);
    tree.createNode('/a/z', new Uint8Array(0), OPEN_ACL, 0n, 3, 13n, 1003n);
    expect(stat(tree, '/a')).toEqual({ czxid: 10n, mzxid: 10n, ctime: 1000n, mtime: 1000n, version: 0, cversion: 3, aversion: 0, ephemeralOwner: 0n, dataLength: 5, numChildren: 3, pzxid: 13n });
    expect(stat(tree, '/a/y').dataLength).toBe(0);

    tree.deleteNode('/a/x', 14n);
    expect(stat(tree, '/a')).toMatchObject({ cversion: 4, numChildren: 2, pzxid: 14n, mzxid: 10n });
    tree.deleteNode('/a/y', 15n);
    tree.deleteNode('/a/z', 16n);
    expect(stat(tree, '/a')).toMatchObject({ cversion: 6, numChildren: 0, pzxid: 16n });
    expect(tree.get('/a')!.stat.cversion).toBe(3);

    tree.setData('/a', bytes('bye'), 7, 20n, 2000n);
    expect(stat(tree, '/a')).toEqual({ czxid: 10n, mzxid: 20n, ctime: 1000n, mtime: 2000n, version: 7, cversion: 6, aversion: 0, ephemeralOwner: 0n, dataLength: 3, numChildren: 0, pzxid: 16n });

    tree.setACL('/a', READ_ACL, 3);
    expect(stat(tree, '/a')).toEqual({ czxid: 10n, mzxid: 20n, ctime: 1000n, mtime: 2000n, version: 7, cversion: 6, aversion: 3, ephemeralOwner: 0n, dataLength: 3, numChildren: 0, pzxid: 16n });
    expect(tree.get('/a')!.acl).toEqual(READ_ACL);
  });

  it('returns the node from deleteNode, setData and setACL', () => {
    const tree = new DataTree();
    tree.createNode('/a', bytes('x'), OPEN_ACL, 0n, 1, 1n, 1n);
    expect(tree.setData('/a', bytes('y'), 1, 2n, 2n).data).toEqual(bytes('y'));
    expect(tree.setACL('/a', READ_ACL, 1).acl).toEqual(READ_ACL);
    const removed = tree.deleteNode('/a', 3n);
    expect(removed.data).toEqual(bytes('y'));
    expect(removed.acl).toEqual(READ_ACL);
    expect(tree.get('/a')).toBeUndefined();
    expect(tree.get(ROOT)!.children.has('a')).toBe(false);
  });

  it('throws NoNode and NodeExists as DataTree does', () => {
    const tree = new DataTree();
    expect(() => tree.createNode('/missing/child', null, OPEN_ACL, 0n, 1, 1n, 1n)).toThrow(NoNodeError);
    tree.createNode('/a', null, OPEN_ACL, 0n, 1, 1n, 1n);
    expect(() => tree.createNode('/a', null, OPEN_ACL, 0n, 2, 2n, 2n)).toThrow(NodeExistsError);
    expect(() => tree.deleteNode('/b', 3n)).toThrow(NoNodeError);
    expect(() => tree.setData('/b', null, 1, 3n, 3n)).toThrow(NoNodeError);
    expect(() => tree.setACL('/b', OPEN_ACL, 1)).toThrow(NoNodeError);
    // A failed create leaves the parent as it was.
    expect(tree.get(ROOT)!.stat.cversion).toBe(1);
    expect(tree.get(ROOT)!.stat.pzxid).toBe(1n);
  });

  it('keeps approximateDataSize equal to the sum of path and data lengths', () => {
    const tree = new DataTree();
    const base = tree.approximateDataSize;
    tree.createNode('/a', bytes('hello'), OPEN_ACL, 0n, 1, 1n, 1n);
    expect(tree.approximateDataSize).toBe(base + 2 + 5);
    tree.createNode('/a/b', null, OPEN_ACL, 0n, 1, 2n, 2n);
    expect(tree.approximateDataSize).toBe(base + 7 + 4);
    tree.setData('/a', bytes('hi'), 1, 3n, 3n);
    expect(tree.approximateDataSize).toBe(base + 4 + 4);
    tree.setData('/a/b', bytes('123456'), 1, 4n, 4n);
    expect(tree.approximateDataSize).toBe(base + 4 + 10);
    tree.setData('/a/b', null, 2, 5n, 5n);
    expect(tree.approximateDataSize).toBe(base + 4 + 4);
    tree.deleteNode('/a/b', 6n);
    tree.deleteNode('/a', 7n);
    expect(tree.approximateDataSize).toBe(base);
  });

  it('counts nodes and descendants (getAllChildrenNumber)', () => {
    const tree = new DataTree();
    const base = tree.nodeCount;
    expect(tree.countDescendants(ROOT)).toBe(3);
    expect(tree.countDescendants(SYSTEM_NODE)).toBe(2);
    expect(tree.countDescendants(CONFIG_NODE)).toBe(0);
    expect(tree.countDescendants('/missing')).toBe(0);
    tree.createNode('/a', null, OPEN_ACL, 0n, 1, 1n, 1n);
    tree.createNode('/a/b', null, OPEN_ACL, 0n, 1, 2n, 2n);
    tree.createNode('/a/b/c', null, OPEN_ACL, 0n, 1, 3n, 3n);
    tree.createNode('/a/d', null, OPEN_ACL, 0n, 2, 4n, 4n);
    tree.createNode('/ab', null, OPEN_ACL, 0n, 2, 5n, 5n);
    expect(tree.nodeCount).toBe(base + 5);
    expect(tree.countDescendants('/a')).toBe(3);
    expect(tree.countDescendants('/a/b')).toBe(1);
    expect(tree.countDescendants('/ab')).toBe(0);
    expect(tree.countDescendants(ROOT)).toBe(8);
  });
});

describe('DataTree: the cversion quirk (stored = creates, client sees creates + deletes)', () => {
  it('reports cversion = stored*2 - numChildren after any mix of child creates and deletes', () => {
    const op = fc.oneof(fc.constant<'create'>('create'), fc.constant<'delete'>('delete'));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const tree = new DataTree();
        tree.createNode('/p', null, OPEN_ACL, 0n, 1, 1n, 1n);
        const live: string[] = [];
        let creates = 0;
        let deletes = 0;
        let zxid = 1n;
        for (const o of ops) {
          zxid++;
          if (o === 'create') {
            const parent = tree.get('/p')!;
            const name = `/p/c${creates}`;
            tree.createNode(name, null, OPEN_ACL, 0n, parent.stat.cversion + 1, zxid, zxid);
            live.push(name);
            creates++;
          } else if (live.length > 0) {
            tree.deleteNode(live.shift()!, zxid);
            deletes++;
          } else {
            continue;
          }
          const s = stat(tree, '/p');
          expect(s.cversion).toBe(creates + deletes);
          expect(s.numChildren).toBe(live.length);
          expect(s.pzxid).toBe(zxid);
          expect(tree.get('/p')!.stat.cversion).toBe(creates);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('works from a negative stored cversion', () => {
    const tree = new DataTree();
    tree.createNode('/p', null, OPEN_ACL, 0n, 1, 1n, 1n);
    tree.get('/p')!.stat.cversion = -1;
    expect(stat(tree, '/p').cversion).toBe(-2);
    tree.createNode('/p/a', null, OPEN_ACL, 0n, 0, 2n, 2n);
    expect(stat(tree, '/p')).toMatchObject({ cversion: -1, numChildren: 1, pzxid: 2n });
  });

  // Ground truth: with the stored cversion set through DataTree.setCversionPzxid, Java's
  // copyStat (int arithmetic) reported cversion -2147483648 for stored 0x40000000 and -2 for
  // stored Integer.MAX_VALUE, both with no children. Our Stat must stay an int32 or the
  // codec refuses to write it.
  it('wraps the client cversion as a Java int', () => {
    const tree = new DataTree();
    tree.createNode('/p', null, OPEN_ACL, 0n, 1, 1n, 1n);
    tree.get('/p')!.stat.cversion = 0x40000000;
    expect(stat(tree, '/p').cversion).toBe(-2147483648);
    tree.get('/p')!.stat.cversion = 0x7fffffff;
    expect(stat(tree, '/p').cversion).toBe(-2);
  });

  // Ground truth (3.8.0 DataTree.createNode / deleteNode, bytecode and the Java program):
  // createNode treats parentCVersion -1 as "stored + 1" and changes the parent's cversion and
  // pzxid only when the new cversion is larger; deleteNode moves pzxid only forward. This is
  // what makes replaying a txn log over a fuzzy snapshot safe. Java printed, for /a with
  // stored cversion 3, pzxid 16: createNode("/a/w", parentCVersion=1, zxid=31) leaves
  // cversion 3 and pzxid 16; deleteNode("/a/w", zxid=5) leaves pzxid 16.
  it('never moves a parent\'s cversion or pzxid backwards (fuzzy-snapshot replay)', () => {
    const tree = new DataTree();
    tree.createNode('/a', null, OPEN_ACL, 0n, 1, 10n, 10n);
    for (const [i, c] of ['x', 'y', 'z'].entries()) tree.createNode(`/a/${c}`, null, OPEN_ACL, 0n, i + 1, BigInt(11 + i), 0n);
    for (const [i, c] of ['x', 'y', 'z'].entries()) tree.deleteNode(`/a/${c}`, BigInt(14 + i));
    expect(tree.get('/a')!.stat).toMatchObject({ cversion: 3, pzxid: 16n });

    tree.createNode('/a/w', null, OPEN_ACL, 0n, 1, 31n, 0n);
    expect(tree.get('/a')!.stat).toMatchObject({ cversion: 3, pzxid: 16n });
    expect(stat(tree, '/a').cversion).toBe(5);
    tree.deleteNode('/a/w', 5n);
    expect(tree.get('/a')!.stat.pzxid).toBe(16n);

    tree.createNode('/a/v', null, OPEN_ACL, 0n, -1, 40n, 0n);
    expect(tree.get('/a')!.stat).toMatchObject({ cversion: 4, pzxid: 40n });
  });
});

describe('DataTree: ephemerals, containers and TTL nodes', () => {
  it('tracks ephemerals per session and shows their owner', () => {
    const tree = new DataTree();
    tree.createNode('/e1', null, OPEN_ACL, 0x55n, 1, 1n, 1n);
    tree.createNode('/e2', null, OPEN_ACL, 0x55n, 2, 2n, 2n);
    tree.createNode('/f', null, OPEN_ACL, 0x66n, 3, 3n, 3n);
    expect(tree.ephemeralCount).toBe(3);
    expect(new Set(tree.ephemeralsOf(0x55n))).toEqual(new Set(['/e1', '/e2']));
    expect(tree.ephemeralsOf(0x66n)).toEqual(['/f']);
    expect(tree.ephemeralsOf(0x77n)).toEqual([]);
    expect(stat(tree, '/e1').ephemeralOwner).toBe(0x55n);
    tree.deleteNode('/e1', 4n);
    expect(tree.ephemeralsOf(0x55n)).toEqual(['/e2']);
    tree.deleteNode('/e2', 5n);
    expect(tree.ephemeralsOf(0x55n)).toEqual([]);
    expect(tree.ephemeralCount).toBe(1);
  });

  it('lists a session\'s ephemerals children before parents', () => {
    const tree = new DataTree();
    const s = 0x99n;
    tree.createNode('/e', null, OPEN_ACL, s, 1, 1n, 1n);
    tree.createNode('/e/c', null, OPEN_ACL, s, 1, 2n, 2n);
    tree.createNode('/e/c/d', null, OPEN_ACL, s, 1, 3n, 3n);
    tree.createNode('/zz', null, OPEN_ACL, s, 2, 4n, 4n);
    tree.createNode('/e/b', null, OPEN_ACL, s, 2, 5n, 5n);
    const order = tree.ephemeralsOf(s);
    expect(new Set(order)).toEqual(new Set(['/e', '/e/c', '/e/c/d', '/zz', '/e/b']));
    for (const [i, p] of order.entries()) {
      for (const q of order.slice(i + 1)) expect(q.startsWith(`${p}/`), `${q} listed after its ancestor ${p}`).toBe(false);
    }
    // Deleting in that order never meets a node with children.
    let zxid = 10n;
    for (const p of order) tree.deleteNode(p, zxid++);
    expect(tree.ephemeralCount).toBe(0);
  });

  it('keeps containers in their own set and hides their owner', () => {
    const tree = new DataTree();
    tree.createNode('/c', null, OPEN_ACL, CONTAINER_OWNER, 1, 1n, 1n);
    expect([...tree.containers]).toEqual(['/c']);
    expect(tree.ephemeralCount).toBe(0);
    expect(tree.get('/c')!.stat.ephemeralOwner).toBe(CONTAINER_OWNER);
    expect(stat(tree, '/c').ephemeralOwner).toBe(0n);
    tree.deleteNode('/c', 2n);
    expect(tree.containers.size).toBe(0);
  });

  it('keeps TTL nodes in their own set and hides their owner (extended types enabled)', () => {
    const tree = extendedTree();
    const owner = ttlOwner(100n);
    tree.createNode('/t', null, OPEN_ACL, owner, 1, 1n, 1n);
    expect([...tree.ttls]).toEqual(['/t']);
    expect(tree.ephemeralCount).toBe(0);
    expect(stat(tree, '/t').ephemeralOwner).toBe(0n);
    tree.deleteNode('/t', 2n);
    expect(tree.ttls.size).toBe(0);
  });

  // Ground truth: EphemeralType.get (3.8.0 bytecode) only looks at the 0xFF top byte when
  // extendedEphemeralTypesEnabled(); otherwise any non-zero owner but Long.MIN_VALUE is NORMAL.
  // The Java program printed NORMAL for 0xff00000000000064 and 0xff00123456780001, and a
  // DataTree given owner 0xff00000000000064 listed the node in getEphemerals(owner), left
  // getTtls() empty and showed the owner in the Stat. Such owners are real session ids of
  // server id 255 (which ZooKeeper allows while extended types are off, the default).
  it('treats a 0xFF.. owner as a session (server id 255) when extended types are off, the default', () => {
    const tree = new DataTree();
    const session = -0x00ff_edcb_a987_ffffn; // 0xff00123456780001
    expect(BigInt.asUintN(64, session)).toBe(0xff00_1234_5678_0001n);
    tree.createNode('/e', null, OPEN_ACL, session, 1, 1n, 1n);
    expect(tree.ttls.size).toBe(0);
    expect(tree.ephemeralsOf(session)).toEqual(['/e']);
    expect(stat(tree, '/e').ephemeralOwner).toBe(session);
  });
});
