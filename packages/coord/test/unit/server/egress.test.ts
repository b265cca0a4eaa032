import { describe, expect, it } from 'vitest';
import { DurableEgress } from '../../../src/server/egress.js';

describe('DurableEgress: output waits for the txns it may reveal', () => {
  it('lets output straight through while nothing is on its way to disk', () => {
    const egress = new DurableEgress();
    const out: string[] = [];
    egress.emit(() => out.push('read'));
    egress.markLogged(1n);
    egress.markDurable(1n);
    egress.emit(() => out.push('after durable'));
    expect(out).toEqual(['read', 'after durable']);
    expect(egress.waiting).toBe(0);
  });

  it('holds output produced after an un-synced txn, and releases it in order as the log catches up', () => {
    const egress = new DurableEgress();
    const out: string[] = [];
    egress.markLogged(5n);
    egress.emit(() => out.push('reply 5'));
    egress.emit(() => out.push('read seeing 5'));
    egress.markLogged(6n);
    egress.emit(() => out.push('reply 6'));
    expect(out).toEqual([]);
    expect(egress.waiting).toBe(3);
    egress.markDurable(5n);
    expect(out).toEqual(['reply 5', 'read seeing 5']);
    egress.markDurable(6n);
    expect(out).toEqual(['reply 5', 'read seeing 5', 'reply 6']);
  });

  it('keeps later output behind held output even when it depends on nothing new', () => {
    const egress = new DurableEgress();
    const out: string[] = [];
    egress.markLogged(2n);
    egress.emit(() => out.push('reply 2'));
    egress.markDurable(1n);
    egress.emit(() => out.push('ping'));
    expect(out).toEqual([]);
    egress.markDurable(2n);
    expect(out).toEqual(['reply 2', 'ping']);
  });

  it('a barrier narrows what output waits for, never beyond what was logged, and order is kept', () => {
    const egress = new DurableEgress();
    const out: string[] = [];
    // A quorum leader: txns 1..3 applied ahead of their commit; 1 is committed.
    egress.markLogged(3n);
    egress.markDurable(1n);
    egress.emit(() => out.push('reply 1'), 1n);
    expect(out).toEqual(['reply 1']);
    egress.emit(() => out.push('read seeing 3'));
    egress.emit(() => out.push('reply 2'), 2n);
    expect(out).toEqual(['reply 1']);
    egress.markDurable(2n);
    expect(out).toEqual(['reply 1']);
    egress.markDurable(3n);
    expect(out).toEqual(['reply 1', 'read seeing 3', 'reply 2']);
    // A txn this egress was never told about (a follower's) holds nothing.
    egress.emit(() => out.push('follower reply 9'), 9n);
    expect(out.at(-1)).toBe('follower reply 9');
  });
});
