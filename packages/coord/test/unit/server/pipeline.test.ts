import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CreateMode, OpCode } from '../../../src/jute/opcodes.js';
import type { MultiOp } from '../../../src/jute/records/multi.js';
import { ROOT } from '../../../src/server/data-tree.js';
import { ephemeralKind } from '../../../src/server/ephemeral-type.js';
import type { WriteRequest } from '../../../src/server/prep.js';
import { joinPath, parentOf } from '../../../src/util/paths.js';
import { Harness, OPEN_ACL, OTHER_SESSION, READ_ACL, SESSION, bytes, closeSession, create, del, multi, setAcl, setData } from './helpers.js';

const SEED = 0x91be_11e5;

/** Invariants that hold after every applied transaction, whatever the clients asked. */
function checkInvariants(h: Harness): void {
  const { tree } = h;
  let size = 0;
  const ephemeral = new Map<bigint, Set<string>>();
  const containers = new Set<string>();
  const ttls = new Set<string>();
  for (const [path, node] of tree.nodes) {
    size += path.length + (node.data?.length ?? 0);
    if (path !== ROOT) expect(tree.get(parentOf(path))?.children.has(path.slice(path.lastIndexOf('/') + 1)), `${path} is listed by its parent`).toBe(true);
    for (const c of node.children) expect(tree.get(joinPath(path, c)), `child ${c} of ${path} exists`).toBeDefined();
    const owner = node.stat.ephemeralOwner;
    const kind = ephemeralKind(owner);
    if (kind === 'ephemeral') {
      let set = ephemeral.get(owner);
      if (set === undefined) ephemeral.set(owner, (set = new Set()));
      set.add(path);
      expect(node.children.size, `ephemeral ${path} has no children`).toBe(0);
    } else if (kind === 'container') containers.add(path);
    else if (kind === 'ttl') ttls.add(path);
    expect(node.stat.mzxid >= node.stat.czxid && node.stat.pzxid >= node.stat.czxid).toBe(true);
    const stat = tree.statOf(node);
    expect(stat.numChildren).toBe(node.children.size);
    expect(stat.cversion).toBe(node.stat.cversion * 2 - node.children.size);
  }
  expect(tree.approximateDataSize).toBe(size);
  expect(new Map([...tree.ephemerals].filter(([, s]) => s.size > 0))).toEqual(ephemeral);
  expect(tree.containers).toEqual(containers);
  expect(tree.ttls).toEqual(ttls);
  expect(tree.lastProcessedZxid).toBe(h.zxid);
}

const paths = ['/a', '/a/b', '/a/b/c', '/x', '/x/y'];
const path = fc.constantFrom(...paths);
const version = fc.integer({ min: -1, max: 2 });
const flags = fc.constantFrom(CreateMode.PERSISTENT, CreateMode.EPHEMERAL, CreateMode.PERSISTENT_SEQUENTIAL, CreateMode.EPHEMERAL_SEQUENTIAL);
const data = fc.option(fc.uint8Array({ maxLength: 6 }), { nil: null });
const op: fc.Arbitrary<MultiOp> = fc.oneof(
  fc.tuple(path, flags, data).map(([p, f, d]) => create(p, { flags: f, data: d })),
  path.map((p) => create(p, { flags: CreateMode.CONTAINER }, OpCode.createContainer)),
  fc.tuple(path, version).map(([p, v]) => del(p, v)),
  fc.tuple(path, data, version).map(([p, d, v]) => setData(p, d, v)),
);
const request: fc.Arbitrary<{ request: WriteRequest; session: bigint }> = fc.record({
  request: fc.oneof(
    { weight: 6, arbitrary: op.map((o): WriteRequest => o) },
    { weight: 2, arbitrary: fc.array(op, { maxLength: 4 }).map((ops) => multi(...ops)) },
    { weight: 1, arbitrary: fc.tuple(path, fc.boolean()).map(([p, open]) => setAcl(p, open ? OPEN_ACL : READ_ACL)) },
    { weight: 1, arbitrary: fc.constant(closeSession()) },
  ),
  session: fc.constantFrom(SESSION, OTHER_SESSION),
});

describe('prep → apply: tree invariants', () => {
  it('keeps children, sizes, ephemeral/container sets and stats consistent for any request sequence', () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 40 }), (requests) => {
        const h = new Harness();
        checkInvariants(h);
        for (const { request: r, session } of requests) {
          h.run(r, { sessionId: session });
          checkInvariants(h);
        }
        // Closing both sessions leaves no ephemerals behind.
        h.run(closeSession(), { sessionId: SESSION });
        h.run(closeSession(), { sessionId: OTHER_SESSION });
        checkInvariants(h);
        expect(h.tree.ephemeralCount).toBe(0);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('gives a replica fed the same entries the same tree', () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 30 }), (requests) => {
        const leader = new Harness();
        const follower = new Harness();
        for (const { request: r, session } of requests) {
          const entry = leader.prep(r, { sessionId: session });
          const a = leader.apply(entry);
          const b = follower.apply(entry);
          expect(b.err).toBe(a.err);
          expect(b.body).toEqual(a.body);
        }
        expect(follower.tree.nodes).toEqual(leader.tree.nodes);
        expect(follower.tree.approximateDataSize).toBe(leader.tree.approximateDataSize);
        expect(follower.tree.lastProcessedZxid).toBe(leader.tree.lastProcessedZxid);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('writes the data it was given, byte for byte', () => {
    const h = new Harness();
    h.ok(create('/a', { data: bytes('\u00e9\u{1f600}') }));
    expect(h.node('/a').data).toEqual(new Uint8Array([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]));
  });
});
