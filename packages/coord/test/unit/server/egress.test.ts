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
});
