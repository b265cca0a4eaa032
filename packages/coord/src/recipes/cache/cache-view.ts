import { TypedEmitter } from '../../client/emitter.js';
import type { CacheEngine } from './cache-engine.js';
import { topDown, type CachedNode } from './pure/cache-state.js';

/**
 * What NodeCache, ChildrenCache and TreeCache share: a CacheEngine behind them, its lifecycle and
 * read access to what it holds. Each subclass builds its engine (scope and event names) itself.
 */
export abstract class CacheView<Events extends { [K in keyof Events]: (...args: never[]) => void }> extends TypedEmitter<Events> {
  protected abstract readonly engine: CacheEngine;

  start(): Promise<void> {
    return this.engine.start();
  }

  get isInitialized(): boolean {
    return this.engine.isInitialized;
  }

  whenInitialized(): Promise<void> {
    return this.engine.whenInitialized();
  }

  get(path: string): CachedNode | undefined {
    return this.engine.nodes.get(path);
  }

  /** Every cached node, parents before children. */
  entries(): CachedNode[] {
    return [...this.engine.nodes.values()].sort((a, b) => topDown(a.path, b.path));
  }

  get size(): number {
    return this.engine.nodes.size;
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
