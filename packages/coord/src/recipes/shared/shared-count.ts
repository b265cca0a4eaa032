import type { CoordClient } from '../../client/client.js';
import { decodeInt32, encodeInt32 } from './pure/codec.js';
import { SharedNode, type VersionedValue } from './shared-node.js';

/**
 * Curator's SharedCount: a shared int32 (4 bytes, big-endian, Curator-compatible) with versioned
 * compare-and-set and change listeners (`on('change')`). See SharedNode for connection-state
 * behaviour: stale while suspended, re-read on reconnected and after lost.
 */
export class SharedCount extends SharedNode<number> {
  constructor(client: CoordClient, path: string, seedValue: number) {
    super(client, path, seedValue, { encode: encodeInt32, decode: decodeInt32 });
  }

  getCount(): number {
    return this.value;
  }

  getVersionedValue(): VersionedValue<number> {
    return this.versionedValue;
  }

  setCount(count: number): Promise<void> {
    return this.set(count);
  }

  /** True when the node was still at `previous.version`; of racing callers exactly one wins per version. */
  trySetCount(previous: VersionedValue<number>, count: number): Promise<boolean> {
    return this.trySet(previous, count);
  }
}

export type { VersionedValue };
