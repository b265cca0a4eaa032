import { describe, expect, it } from 'vitest';
import { NoNodeError, type ConnectionState, type CoordClient, type NodeData, type Stat, type Watcher } from '../../../../src/index.js';
import { CacheEngine } from '../../../../src/recipes/cache/cache-engine.js';
import type { CacheChange } from '../../../../src/recipes/cache/pure/cache-state.js';

/**
 * Just enough of a client for the engine: a flat in-memory tree that answers each read from its
 * state at the moment the read is sent (as a server that orders a session's requests does), and
 * lets the test fire watch events and state changes exactly when it wants.
 */
class FakeClient {
  readonly tree = new Map<string, { data: string; czxid: bigint; mzxid: bigint }>();
  private zxid = 0n;
  private watcher: Watcher | undefined;
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();

  put(path: string, data: string): void {
    const existing = this.tree.get(path);
    this.zxid++;
    this.tree.set(path, { data, czxid: existing?.czxid ?? this.zxid, mzxid: this.zxid });
  }
  remove(path: string): void {
    this.zxid++;
    this.tree.delete(path);
  }
  fire(type: 'NodeCreated' | 'NodeDataChanged' | 'NodeDeleted', path: string): void {
    this.watcher?.({ type, path, zxid: -1n });
  }
  setState(state: ConnectionState): void {
    for (const l of this.stateListeners) l(state);
  }

  addWatch(_path: string, _mode: string, listener: Watcher): Promise<{ remove(): Promise<void> }> {
    this.watcher = listener;
    return Promise.resolve({ remove: () => Promise.resolve() });
  }
  getData(path: string): Promise<NodeData> {
    const n = this.tree.get(path);
    if (n === undefined) return Promise.reject(new NoNodeError({ path }));
    const stat: Stat = { czxid: n.czxid, mzxid: n.mzxid, ctime: 0n, mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: n.data.length, numChildren: 0, pzxid: 0n };
    return Promise.resolve({ data: new TextEncoder().encode(n.data), stat });
  }
  getChildren(path: string): Promise<string[]> {
    if (!this.tree.has(path)) return Promise.reject(new NoNodeError({ path }));
    const prefix = `${path}/`;
    return Promise.resolve([...this.tree.keys()].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length)));
  }
  on(_event: 'state', l: (s: ConnectionState) => void): void {
    this.stateListeners.add(l);
  }
  off(_event: 'state', l: (s: ConnectionState) => void): void {
    this.stateListeners.delete(l);
  }
  waitForConnected(): Promise<void> {
    return Promise.resolve();
  }
}

function engineOn(fake: FakeClient): { engine: CacheEngine; changes: string[] } {
  const changes: string[] = [];
  const record = (c: CacheChange): void => {
    changes.push(`${c.type} ${c.node.path} ${new TextDecoder().decode(c.node.data)}`);
  };
  const engine = new CacheEngine(fake as unknown as CoordClient, { root: '/r', maxDepth: Number.POSITIVE_INFINITY, includeRoot: true }, { change: record, initialized: () => changes.push('initialized'), error: (e) => changes.push(`error ${String(e)}`) });
  return { engine, changes };
}

const settle = async (engine: CacheEngine): Promise<void> => {
  await engine.idle();
  await engine.close();
};

describe('CacheEngine', () => {
  it('does not bring back a node a reload dropped when an older event read arrives after it', async () => {
    const fake = new FakeClient();
    fake.put('/r', '');
    fake.put('/r/x', 'v1');
    const { engine, changes } = engineOn(fake);
    await engine.start();
    expect(changes).toEqual(['created /r ', 'created /r/x v1', 'initialized']);
    changes.length = 0;

    fake.setState('reconnected'); // a reload is queued
    fake.put('/r/x', 'v2');
    fake.fire('NodeDataChanged', '/r/x'); // its read is sent now and sees v2 ...
    fake.remove('/r/x'); // ... the reload's reads are sent after this delete
    fake.fire('NodeDeleted', '/r/x');
    await settle(engine);
    expect(changes).toEqual(['deleted /r/x v1']);
  });

  it('ignores a read older than what a reload already applied', async () => {
    const fake = new FakeClient();
    fake.put('/r', '');
    const { engine, changes } = engineOn(fake);
    await engine.start();
    changes.length = 0;
    fake.put('/r/y', 'a');
    fake.fire('NodeCreated', '/r/y'); // read sees 'a', queued behind nothing
    fake.setState('reconnected');
    fake.put('/r/y', 'b');
    fake.fire('NodeDataChanged', '/r/y');
    await settle(engine);
    expect(changes).toEqual(['created /r/y a', 'changed /r/y b']);
    expect(engine.nodes.get('/r/y')?.stat.mzxid).toBe(3n);
  });

  it('reports what changed while disconnected on reconnected', async () => {
    const fake = new FakeClient();
    fake.put('/r', '');
    fake.put('/r/a', '1');
    fake.put('/r/b', '1');
    const { engine, changes } = engineOn(fake);
    await engine.start();
    changes.length = 0;
    fake.remove('/r/a');
    fake.put('/r/b', '2');
    fake.put('/r/c', '1');
    fake.put('/r/c/d', '1');
    fake.setState('suspended');
    fake.setState('reconnected');
    await settle(engine);
    expect(changes).toEqual(['deleted /r/a 1', 'changed /r/b 2', 'created /r/c 1', 'created /r/c/d 1']);
  });
});
