import type { CoordClient } from '../../client/client.js';
import type { Stat } from '../../client/types.js';
import { NodeExistsError, NoNodeError } from '../../errors/errors.js';
import { ensurePath } from '../internal/ensure-path.js';
import { ConfigSubscription, type ConfigVersion, type SubscribeOptions } from './config-subscription.js';

export type { ConfigVersion };

export interface ConfigCentreOptions {
  /** Where documents live: `<basePath>/<name>`. */
  readonly basePath: string;
}

/** A published document: its node version and the zxid of the write that made it. */
export interface PublishResult {
  readonly version: number;
  readonly mzxid: bigint;
}


/** JSON documents as UTF-8 text; bytes are stored as they are. */
export function encodeDocument(document: unknown): Uint8Array {
  if (document instanceof Uint8Array) return document;
  const text = JSON.stringify(document);
  if (text === undefined) throw new TypeError('config document: not JSON-serialisable');
  return new TextEncoder().encode(text);
}

/** The default parser: UTF-8 JSON. */
export function parseJson(data: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(data));
}

/**
 * A config centre: named documents (JSON or bytes) in persistent nodes under `basePath`,
 * published with versions (optionally compare-and-set) and followed by subscribers with typed
 * change callbacks (see ConfigSubscription for delivery guarantees and connection states).
 *
 * ```ts
 * const configs = new ConfigCentre(client, { basePath: '/config' });
 * await configs.publish('db', { url: 'postgres://...' });
 * const sub = await configs.subscribe('db', { parse: (d) => DbConfig.parse(parseJson(d)), onChange: (c) => ... });
 * ```
 */
export class ConfigCentre {
  private readonly basePath: string;
  private readonly subscriptions = new Set<ConfigSubscription<unknown>>();

  constructor(
    private readonly client: CoordClient,
    options: ConfigCentreOptions,
  ) {
    this.basePath = options.basePath.replace(/\/+$/, '');
  }

  pathFor(name: string): string {
    return `${this.basePath}/${name}`;
  }

  /**
   * Publishes a document, creating it on first publish. With `expectedVersion` the publish only
   * happens when the current version is that one (-1: only when the document does not exist yet),
   * else it rejects with BadVersionError (or NodeExistsError).
   */
  async publish(name: string, document: unknown, options: { expectedVersion?: number } = {}): Promise<PublishResult> {
    const path = this.pathFor(name);
    const data = encodeDocument(document);
    const expected = options.expectedVersion;
    for (;;) {
      if (expected !== -1) {
        try {
          return toResult(await this.client.setData(path, data, expected ?? -1));
        } catch (err) {
          if (!(err instanceof NoNodeError) || expected !== undefined) throw err;
        }
      }
      try {
        const { stat } = await this.client.createWithStat(path, data);
        return toResult(stat);
      } catch (err) {
        if (err instanceof NoNodeError) {
          await ensurePath(this.client, path, { containers: false });
          continue;
        }
        // Created concurrently: an unconditional publish overwrites it.
        if (err instanceof NodeExistsError && expected === undefined) continue;
        throw err;
      }
    }
  }

  /** Removes a document; subscribers get null. */
  async unpublish(name: string): Promise<void> {
    await this.client.delete(this.pathFor(name)).catch((err: unknown) => {
      if (!(err instanceof NoNodeError)) throw err;
    });
  }

  /** Reads a document once; null when it does not exist. */
  async read<T = unknown>(name: string, parse: (data: Uint8Array) => T = parseJson as (data: Uint8Array) => T): Promise<ConfigVersion<T> | null> {
    try {
      const { data, stat } = await this.client.getData(this.pathFor(name));
      return { value: parse(data), version: stat.version, mzxid: stat.mzxid };
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      throw err;
    }
  }

  /** Follows a document; resolves once the initial value (or null) has been delivered. */
  async subscribe<T = unknown>(name: string, options: SubscribeOptions<T>): Promise<ConfigSubscription<T>> {
    const subscription = new ConfigSubscription<T>(this.client, this.pathFor(name), options, () => this.subscriptions.delete(subscription as ConfigSubscription<unknown>));
    this.subscriptions.add(subscription as ConfigSubscription<unknown>);
    await subscription.start();
    return subscription;
  }

  /** Closes every subscription made here. */
  /** `await using` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }
}

function toResult(stat: Stat): PublishResult {
  return { version: stat.version, mzxid: stat.mzxid };
}
