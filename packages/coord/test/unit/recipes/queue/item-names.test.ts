import { describe, expect, it } from 'vitest';
import {
  availability,
  delayItemName,
  dueTimeOf,
  epochToString,
  fifoItemName,
  itemBaseName,
  itemSequence,
  priorityItemName,
  priorityOf,
  priorityToString,
  sortItems,
} from '../../../../src/recipes/queue/pure/item-names.js';
import { decideWaiter } from '../../../../src/recipes/queue/pure/waiter-line.js';
import { barrierMembers } from '../../../../src/recipes/barriers/double-barrier.js';

const seq = (n: number): string => String(n).padStart(10, '0');

describe('queue item names (Curator spelling)', () => {
  it('priorityToString prefixes 1 for non-negative and 0 for negative, then %08X of the 32-bit value', () => {
    expect(priorityToString(0)).toBe('100000000');
    expect(priorityToString(10)).toBe('10000000A');
    expect(priorityToString(0x7fffffff)).toBe('17FFFFFFF');
    expect(priorityToString(-1)).toBe('0FFFFFFFF');
    expect(priorityToString(-0x80000000)).toBe('080000000');
    expect(() => priorityToString(1.5)).toThrow(RangeError);
    expect(() => priorityToString(2 ** 31)).toThrow(RangeError);
  });

  it('priority names sort by priority as strings, and priorityOf reads them back', () => {
    const priorities = [5, -3, 0, 2 ** 31 - 1, -(2 ** 31), 1, -1];
    const names = priorities.map((p, i) => `${priorityItemName(p)}${seq(i)}`);
    expect([...names].sort().map((n) => priorityOf(n))).toEqual([...priorities].sort((a, b) => a - b));
    expect(priorityOf('queue-0000000001')).toBeUndefined();
  });

  it('epochToString is |%08X| and dueTimeOf reads it back', () => {
    expect(epochToString(255)).toBe('|000000FF|');
    expect(epochToString(1_700_000_000_000)).toBe('|18BCFE56800|');
    expect(delayItemName(1_700_000_000_000)).toBe('queue-|18BCFE56800|');
    expect(dueTimeOf(`queue-|18BCFE56800|${seq(3)}`)).toBe(1_700_000_000_000);
    expect(dueTimeOf(`queue-${seq(3)}`)).toBeUndefined();
    expect(dueTimeOf('queue-|FF|')).toBeUndefined();
    expect(() => epochToString(-1)).toThrow(RangeError);
  });

  it('reads the sequence and the base name a requeue recreates', () => {
    expect(fifoItemName()).toBe('queue-');
    expect(itemSequence(`queue-${seq(42)}`)).toBe(42);
    expect(itemSequence('queue-x')).toBeNaN();
    expect(itemBaseName(`queue-100000005${seq(42)}`)).toBe('queue-100000005');
  });
});

describe('sortItems', () => {
  it('orders FIFO items by sequence and ignores foreign names', () => {
    const children = [`queue-${seq(10)}`, `queue-${seq(2)}`, 'lock', `queue-${seq(7)}`, 'queue-abc', `_c_x-waiter-${seq(1)}`];
    expect(sortItems(children, 'fifo')).toEqual([`queue-${seq(2)}`, `queue-${seq(7)}`, `queue-${seq(10)}`]);
  });

  it('orders priority items by priority, then by sequence', () => {
    const a = `${priorityItemName(3)}${seq(1)}`;
    const b = `${priorityItemName(-2)}${seq(2)}`;
    const c = `${priorityItemName(3)}${seq(0)}`;
    const d = `${priorityItemName(0)}${seq(3)}`;
    expect(sortItems([a, b, c, d], 'priority')).toEqual([b, d, c, a]);
  });

  it('orders delay items by due time (numerically, whatever the hex width), then by sequence', () => {
    const a = `${delayItemName(0x1_0000_0000)}${seq(1)}`;
    const b = `${delayItemName(0xff)}${seq(2)}`;
    const c = `${delayItemName(0xff)}${seq(0)}`;
    expect(sortItems([a, b, c], 'delay')).toEqual([c, b, a]);
  });
});

describe('availability', () => {
  it('hides delay items that are not due and reports the earliest hidden due time', () => {
    const early = `${delayItemName(1000)}${seq(5)}`;
    const mid = `${delayItemName(2000)}${seq(1)}`;
    const late = `${delayItemName(3000)}${seq(0)}`;
    const children = [late, early, mid];
    expect(availability(children, 'delay', 999)).toEqual({ available: [], locked: 0, nextDueMs: 1000 });
    expect(availability(children, 'delay', 2000)).toEqual({ available: [early, mid], locked: 0, nextDueMs: 3000 });
    expect(availability(children, 'delay', 5000)).toEqual({ available: [early, mid, late], locked: 0, nextDueMs: undefined });
  });

  it('skips items locked by other consumers (lock-safe mode)', () => {
    const items = [0, 1, 2].map((n) => `queue-${seq(n)}`);
    expect(availability(items, 'fifo', 0, new Set([items[0] as string, 'queue-stale']))).toEqual({ available: items.slice(1), locked: 1, nextDueMs: undefined });
  });
});

describe('decideWaiter (the line of blocked consumers)', () => {
  const w = (id: string, n: number): string => `_c_${id}-waiter-${seq(n)}`;

  it('the lowest sequence is the head; everyone else watches the waiter just before it', () => {
    const line = [w('c', 9), w('a', 3), w('b', 5)];
    expect(decideWaiter(line, w('a', 3))).toEqual({ kind: 'head' });
    expect(decideWaiter(line, w('b', 5))).toEqual({ kind: 'behind', predecessor: w('a', 3) });
    expect(decideWaiter(line, w('c', 9))).toEqual({ kind: 'behind', predecessor: w('b', 5) });
  });

  it('reports a waiter that is no longer in the line', () => {
    expect(decideWaiter([w('a', 1)], w('z', 2))).toEqual({ kind: 'gone' });
  });
});

describe('barrierMembers', () => {
  it('drops the ready node and sorts', () => {
    expect(barrierMembers(['b', 'ready', 'a'])).toEqual(['a', 'b']);
  });
});
