import type { CoordClient } from '../../client/client.js';
import { SharedNode, type VersionedValue } from './shared-node.js';

/**
 * Curator's SharedValue: shared bytes in one persistent node with versioned compare-and-set and
 * change listeners (`on('change')`). See SharedNode for connection-state behaviour.
 *
 * ```ts
 * const v = new SharedValue(client, '/app/flag', new Uint8Array([0]));
 * await v.start();
 * v.on('change', ({ value }) => ...);
 * const ok = await v.trySetValue(v.getVersionedValue(), new Uint8Array([1]));
 * ```
 */
export class SharedValue extends SharedNode<Uint8Array> {
  constructor(client: CoordClient, path: string, seedValue: Uint8Array) {
    super(client, path, seedValue, { encode: (v) => v, decode: (d) => d });
  }

  getValue(): Uint8Array {
    return this.value;
  }

  getVersionedValue(): VersionedValue<Uint8Array> {
    return this.versionedValue;
  }

  setValue(value: Uint8Array): Promise<void> {
    return this.set(value);
  }

  /** True when the node was still at `previous.version` and now holds `value`. */
  trySetValue(previous: VersionedValue<Uint8Array>, value: Uint8Array): Promise<boolean> {
    return this.trySet(previous, value);
  }
}
