/**
 * The shell's driver of a PeerCore: outputs run in order, an output that must finish first
 * (writeEpoch, reload, opening the quorum port) parks everything after it, inputs that arrive
 * meanwhile or re-entrantly wait their turn, and a reload's `reloaded` goes in before them.
 */
import { describe, expect, it } from 'vitest';
import { DataTree } from '../../../src/server/data-tree.js';
import type { DataDir } from '../../../src/server/persistence/index.js';
import { ServerState, type PeerInput, type PeerOutput, type RecoveredState } from '../../../src/quorum/core/types.js';
import { PeerDriver, type DrivenCore, type DriverTransport } from '../../../src/quorum/peer-driver.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A core that answers each input with the outputs a script gives, and records what it saw. */
class ScriptedCore implements DrivenCore {
  readonly seen: string[] = [];
  readonly tree = new DataTree();
  readonly sessions = new Map<bigint, number>();
  constructor(private readonly script: (input: PeerInput) => PeerOutput[]) {}
  start(): PeerOutput[] {
    return [];
  }
  handle(input: PeerInput): PeerOutput[] {
    this.seen.push(input.kind === 'write' ? `write ${input.write.cxid}` : input.kind);
    return this.script(input);
  }
}

function harness(core: ScriptedCore, epochWrite = deferred()) {
  const done: string[] = [];
  const transport: DriverTransport = {
    sendElection: () => done.push('sendElection'),
    connect: () => done.push('connect'),
    send: (to) => done.push(`send ${to}`),
    disconnect: () => done.push('disconnect'),
    listenQuorum: () => {
      done.push('listenQuorum');
      return Promise.resolve();
    },
    stopListeningQuorum: () => Promise.resolve(),
  };
  const truncated: bigint[] = [];
  const dataDir = {
    tree: core.tree,
    append: () => done.push('append'),
    writeAcceptedEpoch: async () => {
      done.push('writeEpoch started');
      await epochWrite.promise;
      done.push('writeEpoch done');
    },
    writeCurrentEpoch: () => Promise.resolve(),
    truncate: (zxid: bigint) => {
      truncated.push(zxid);
      return Promise.resolve();
    },
  } as unknown as DataDir;
  const reloadedState: RecoveredState = { tree: new DataTree(), sessions: new Map(), acceptedEpoch: 1n, currentEpoch: 1n };
  const fatal: Error[] = [];
  const driver: PeerDriver = new PeerDriver(core, {
    transport,
    dataDir,
    clients: (o) => {
      done.push(o.kind);
      if (o.kind === 'applied') driver.feed({ kind: 'sync', token: 1 });
      return true;
    },
    reloadedState: () => Promise.resolve(reloadedState),
    onState: () => done.push('state'),
    log: () => undefined,
    onFatal: (err) => fatal.push(err),
    now: () => 0,
  });
  return { driver, done, truncated, fatal, epochWrite };
}

const write = (cxid: number): PeerInput => ({ kind: 'write', write: { sessionId: 1n, cxid, opcode: 1, body: new Uint8Array(0), authIds: [] } });

describe('PeerDriver', () => {
  it('holds every later output and input until a writeEpoch is durable', async () => {
    const core = new ScriptedCore((input) =>
      input.kind === 'packet' ? [{ kind: 'writeEpoch', which: 'acceptedEpoch', epoch: 2n }, { kind: 'send', to: 3, packet: { type: 18, zxid: 0n, data: null, authinfo: [] } }] : [],
    );
    const h = harness(core);
    h.driver.feed({ kind: 'packet', from: 3, packet: { type: 17, zxid: 2n << 32n, data: null, authinfo: [] } });
    h.driver.feed({ kind: 'tick' });
    await flush();
    expect(h.done).toEqual(['writeEpoch started']);
    expect(core.seen).toEqual(['packet']);
    h.epochWrite.resolve();
    await flush();
    expect(h.done).toEqual(['writeEpoch started', 'writeEpoch done', 'send 3']);
    expect(core.seen).toEqual(['packet', 'tick']);
  });

  it('feeds reloaded before the inputs that arrived while the log was being cut', async () => {
    const core = new ScriptedCore((input) => (input.kind === 'packet' ? [{ kind: 'reload', truncateTo: 5n }] : []));
    const h = harness(core);
    h.driver.feed({ kind: 'packet', from: 2, packet: { type: 14, zxid: 5n, data: null, authinfo: [] } });
    h.driver.feed({ kind: 'tick' });
    h.driver.feed(write(7));
    await flush();
    expect(h.truncated).toEqual([5n]);
    expect(core.seen).toEqual(['packet', 'reloaded', 'tick', 'write 7']);
  });

  it('queues an input fed while an output runs, after the rest of the outputs', () => {
    const core = new ScriptedCore((input) =>
      input.kind === 'write'
        ? [
            { kind: 'append', entry: { header: { clientId: 1n, cxid: 1, zxid: 1n, time: 0n, type: 1 }, txn: { type: -1, record: { err: 0 } } } },
            { kind: 'applied', entry: { header: { clientId: 1n, cxid: 1, zxid: 1n, time: 0n, type: -1 }, txn: { type: -1, record: { err: 0 } } }, result: { err: 0, zxid: 1n, body: { kind: 'none' }, notifications: [] } },
            { kind: 'committed', zxid: 1n },
          ]
        : [],
    );
    const h = harness(core);
    h.driver.feed(write(1));
    expect(h.done).toEqual(['append', 'applied', 'committed']);
    expect(core.seen).toEqual(['write 1', 'sync']);
  });

  it('opens the quorum port before going on when the core starts leading', async () => {
    const core = new ScriptedCore((input) =>
      input.kind === 'tick' ? [{ kind: 'state', state: ServerState.LEADING, phase: 'discovery', leader: 1, epoch: 0n }, { kind: 'log', level: 'info', message: 'x' }] : [],
    );
    const h = harness(core);
    h.driver.feed({ kind: 'tick' });
    h.driver.feed({ kind: 'linkUp', peer: 2 });
    expect(h.done).toEqual(['state', 'listenQuorum']);
    expect(core.seen).toEqual(['tick']);
    await flush();
    expect(core.seen).toEqual(['tick', 'linkUp']);
  });

  it('stops and reports when the core throws', () => {
    const core = new ScriptedCore(() => {
      throw new Error('boom');
    });
    const h = harness(core);
    h.driver.feed({ kind: 'tick' });
    h.driver.feed({ kind: 'tick' });
    expect(h.fatal.map((e) => e.message)).toEqual(['boom']);
    expect(core.seen).toEqual(['tick']);
  });
});
