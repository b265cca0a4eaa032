import { describe, expect, it } from 'vitest';
import { pkt, recordingNetwork, vote } from './helpers.js';

describe('simulated quorum links (TCP semantics)', () => {
  it('delivers each direction in order despite per-packet jitter', () => {
    const { network, events, run } = recordingNetwork();
    network.connect(2, 1);
    run();
    // The dialer hears at once, the acceptor when the handshake completes.
    expect(events).toEqual(['p2 up p1', 'p1 up p2']);
    for (let i = 1; i <= 100; i++) {
      network.send(2, 1, pkt(i), undefined, undefined);
      network.send(1, 2, pkt(1000 + i), undefined, undefined);
    }
    run();
    const at1 = events.filter((e) => e.startsWith('p1 pkt')).map((e) => Number(e.split('#')[1]));
    const at2 = events.filter((e) => e.startsWith('p2 pkt')).map((e) => Number(e.split('#')[1]));
    expect(at1).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(at2).toEqual(Array.from({ length: 100 }, (_, i) => 1001 + i));
  });

  it('election datagrams reorder, and are dropped at the configured rate', () => {
    const { network, events, run } = recordingNetwork();
    for (let i = 1; i <= 50; i++) network.sendElection(2, 1, vote(i));
    run();
    const got = events.map((e) => Number(e.split('#')[1]));
    expect(got).toHaveLength(50);
    expect(got).not.toEqual([...got].sort((a, b) => a - b));
    const lossy = recordingNetwork({ electionDrop: 0.5 });
    for (let i = 1; i <= 400; i++) lossy.network.sendElection(2, 1, vote(i));
    lossy.run();
    expect(lossy.events.length).toBeGreaterThan(150);
    expect(lossy.events.length).toBeLessThan(250);
  });

  it('a dial to a peer that is down is refused; through a partition it times out', () => {
    const { network, up, events, run, scheduler } = recordingNetwork();
    up.delete(1);
    network.connect(2, 1);
    run();
    expect(events).toEqual(['p2 down p1']);
    expect(scheduler.nowMs).toBeLessThan(10);
    up.add(1);
    events.length = 0;
    network.block(1, 2);
    network.connect(2, 1);
    run();
    expect(events).toEqual(['p2 down p1']);
    expect(scheduler.nowMs).toBeGreaterThanOrEqual(1_000);
  });

  it('a one-way partition stalls a connection; healed in time, the bytes arrive in order', () => {
    const { network, events, run, scheduler } = recordingNetwork();
    network.connect(2, 1);
    run();
    network.block(2, 1);
    for (let i = 1; i <= 5; i++) network.send(2, 1, pkt(i), undefined, undefined);
    network.send(1, 2, pkt(99), undefined, undefined);
    scheduler.runUntil(scheduler.nowMs + 1_000);
    // The open direction still flows; the blocked one waits.
    expect(events.filter((e) => e.includes('pkt'))).toEqual(['p2 pkt p1 #99']);
    network.healAll();
    run();
    expect(events.filter((e) => e.startsWith('p1 pkt'))).toEqual([1, 2, 3, 4, 5].map((i) => `p1 pkt p2 #${i}`));
    expect(events.filter((e) => e.includes('down'))).toEqual([]);
  });

  it('a stall that outlasts the retransmission timeout resets the connection: both ends hear, bytes are lost', () => {
    const { network, events, run } = recordingNetwork();
    network.connect(2, 1);
    run();
    network.isolate([1], [1, 2, 3]);
    network.send(2, 1, pkt(1), undefined, undefined);
    run();
    expect(events.slice(2).sort()).toEqual(['p1 down p2', 'p2 down p1']);
    network.healAll();
    run();
    expect(events.some((e) => e.includes('pkt'))).toBe(false);
    expect(network.send(2, 1, pkt(2), undefined, undefined)).toBe(false);
  });

  it('a reset tells both ends; a local close tells only the far end', () => {
    const { network, events, run } = recordingNetwork();
    network.connect(2, 1);
    run();
    network.send(2, 1, pkt(1), undefined, undefined);
    network.resetRandom();
    run();
    expect(events.slice(2).sort()).toEqual(['p1 down p2', 'p2 down p1']);
    events.length = 0;
    network.connect(3, 1);
    run();
    network.close(3, 1);
    run();
    expect(events).toEqual(['p3 up p1', 'p1 up p3', 'p1 down p3']);
  });

  it('a crashed peer\'s far end hears of it; a new dial replaces an old link cleanly', () => {
    const { network, events, run, up } = recordingNetwork();
    network.connect(2, 1);
    run();
    up.delete(2);
    network.crash(2, false);
    run();
    expect(events.slice(2)).toEqual(['p1 down p2']);
    up.add(2);
    events.length = 0;
    // A half-open link (a silent crash) is replaced when the restarted peer dials again.
    network.connect(2, 1);
    run();
    up.delete(2);
    network.crash(2, true);
    up.add(2);
    network.connect(2, 1);
    run();
    expect(events).toEqual(['p2 up p1', 'p1 up p2', 'p2 up p1', 'p1 down p2', 'p1 up p2']);
  });
});
