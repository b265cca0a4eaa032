import { describe, expect, it } from 'vitest';
import { NoNodeError } from '../../../../src/errors/errors.js';
import { decideLock } from '../../../../src/recipes/locks/pure/lock-engine.js';
import { decideRead, decideWrite, sortRequests } from '../../../../src/recipes/locks/pure/rw-engine.js';

const seq = (n: number): string => String(n).padStart(10, '0');
const lock = (id: string, n: number): string => `_c_${id}-lock-${seq(n)}`;
const read = (id: string, n: number): string => `_c_${id}-__READ__${seq(n)}`;
const write = (id: string, n: number): string => `_c_${id}-__WRIT__${seq(n)}`;

describe('decideLock (mutex)', () => {
  // Uuids sort differently from sequences on purpose: order must come from the suffix only.
  const children = [lock('ffff', 3), lock('0000', 7), lock('aaaa', 1), 'unrelated', lock('bbbb', 12)];

  it('grants the lowest sequence and has every other contender watch only its predecessor', () => {
    expect(decideLock(children, lock('aaaa', 1), 'lock-')).toEqual({ acquired: true, index: 0, watch: undefined });
    expect(decideLock(children, lock('ffff', 3), 'lock-')).toEqual({ acquired: false, index: 1, watch: lock('aaaa', 1) });
    expect(decideLock(children, lock('bbbb', 12), 'lock-')).toEqual({ acquired: false, index: 3, watch: lock('0000', 7) });
  });

  it('watches distinct nodes for distinct waiters (one release wakes one waiter)', () => {
    const many = Array.from({ length: 100 }, (_, i) => lock(i.toString(16), i));
    const watched = many.slice(1).map((c) => decideLock(many, c, 'lock-').watch);
    expect(new Set(watched).size).toBe(99);
  });

  it('with maxLeases grants the first n and watches the node n ahead', () => {
    expect(decideLock(children, lock('0000', 7), 'lock-', 3).acquired).toBe(true);
    expect(decideLock(children, lock('bbbb', 12), 'lock-', 3)).toEqual({ acquired: false, index: 3, watch: lock('aaaa', 1) });
  });

  it('throws NoNodeError when our node is gone (session lost)', () => {
    expect(() => decideLock(children, lock('dead', 5), 'lock-')).toThrow(NoNodeError);
  });
});

describe('read/write decisions', () => {
  // w1 holds; r2 r3 wait on w1; w4 waits on r3; r5 r6 wait on w4; w7 waits on r6.
  const queue = [write('a', 1), read('b', 2), read('c', 3), write('d', 4), read('e', 5), read('f', 6), write('g', 7)];
  const shuffled = [queue[4], queue[0], queue[6], queue[2], queue[1], queue[5], queue[3]].map((n) => n as string);

  it('sorts read and write requests together by sequence', () => {
    expect(sortRequests([...shuffled, 'other'])).toEqual(queue);
  });

  it('a read waits only on the last write before it', () => {
    expect(decideRead(shuffled, read('b', 2))).toEqual({ acquired: false, index: 1, watch: write('a', 1) });
    expect(decideRead(shuffled, read('c', 3)).watch).toBe(write('a', 1));
    expect(decideRead(shuffled, read('f', 6)).watch).toBe(write('d', 4));
  });

  it('a write waits only on the request just before it', () => {
    expect(decideWrite(shuffled, write('a', 1))).toEqual({ acquired: true, index: 0, watch: undefined });
    expect(decideWrite(shuffled, write('d', 4)).watch).toBe(read('c', 3));
    expect(decideWrite(shuffled, write('g', 7)).watch).toBe(read('f', 6));
  });

  it('reads with no write before them share the lock', () => {
    const reads = [read('x', 1), read('y', 2), read('z', 3), write('w', 4)];
    expect(reads.slice(0, 3).map((r) => decideRead(reads, r).acquired)).toEqual([true, true, true]);
    expect(decideWrite(reads, write('w', 4))).toEqual({ acquired: false, index: 3, watch: read('z', 3) });
  });

  it('after the holding write goes, exactly the reads up to the next write are granted (the minimal set)', () => {
    const after = shuffled.filter((n) => n !== write('a', 1));
    const granted = sortRequests(after).filter((n) => (n.includes('__READ__') ? decideRead(after, n) : decideWrite(after, n)).acquired);
    expect(granted).toEqual([read('b', 2), read('c', 3)]);
    // And those were exactly the watchers of the deleted write.
    const watchers = queue.filter((n) => n.includes('__READ__') && decideRead(queue, n).watch === write('a', 1));
    expect(watchers).toEqual(granted);
  });

  it('an abandoned write (deleted while waiting) re-points readers to the previous write', () => {
    const without = queue.filter((n) => n !== write('d', 4));
    expect(decideRead(without, read('f', 6)).watch).toBe(write('a', 1));
  });

  it('throws NoNodeError when our request is gone', () => {
    expect(() => decideRead(queue, read('gone', 9))).toThrow(NoNodeError);
    expect(() => decideWrite(queue, write('gone', 9))).toThrow(NoNodeError);
  });
});
