import type { ClientName } from '../options.js';

/**
 * The four calls the workloads need, the same for every library: each returns a promise that
 * settles with the server's reply (values are discarded). Libraries with a callback API are
 * wrapped in one native Promise per call, the cheapest adaptation there is.
 */
export interface BenchClient {
  readonly name: ClientName;
  getData(path: string): Promise<unknown>;
  setData(path: string, data: Buffer): Promise<unknown>;
  /** A persistent node with the open ACL. */
  create(path: string, data: Buffer): Promise<unknown>;
  delete(path: string): Promise<unknown>;
  close(): Promise<void>;
}

/** Opening a library's client either works or tells why the library is skipped. */
export type OpenResult = { readonly ok: true; readonly client: BenchClient } | { readonly ok: false; readonly reason: string };

export interface OpenOptions {
  readonly connectString: string;
  readonly connectTimeoutMs: number;
}
