import { bool, buffer, int, long, ustring, type Codec } from '../../../src/jute/codec.js';
import * as data from '../../../src/jute/records/data.js';
import * as headers from '../../../src/jute/records/headers.js';
import * as connect from '../../../src/jute/records/connect.js';
import * as requests from '../../../src/jute/records/requests.js';
import * as watches from '../../../src/jute/records/watches.js';
import * as multi from '../../../src/jute/records/multi.js';
import * as txn from '../../../src/jute/records/txn.js';

/**
 * Enumerates every codec exported from src/jute/records and classifies it, so tests can walk
 * all of them without a hand-kept list that silently goes stale when a record is added.
 */
export type AnyCodec = Codec<unknown>;
export type RecordCodec = AnyCodec & { readonly fields: Readonly<Record<string, AnyCodec>> };
export type VectorCodec = AnyCodec & { readonly item: AnyCodec };

export function isCodec(value: unknown): value is AnyCodec {
  return (
    typeof value === 'object' &&
    value !== null &&
    'write' in value &&
    typeof value.write === 'function' &&
    'read' in value &&
    typeof value.read === 'function' &&
    'minBytes' in value &&
    typeof value.minBytes === 'number'
  );
}

export function isRecordCodec(codec: AnyCodec): codec is RecordCodec {
  return 'fields' in codec && typeof codec.fields === 'object' && codec.fields !== null;
}

export function isVectorCodec(codec: AnyCodec): codec is VectorCodec {
  return 'item' in codec && isCodec(codec.item);
}

const modules = { data, headers, connect, requests, watches, multi, txn } as const;

export interface NamedCodec {
  readonly module: keyof typeof modules;
  readonly name: string;
  readonly codec: AnyCodec;
}

/** Every codec exported by a records/*.ts module, in a stable order. */
export const recordModuleCodecs: readonly NamedCodec[] = (Object.keys(modules) as (keyof typeof modules)[]).flatMap((module) =>
  Object.entries(modules[module] as Record<string, unknown>)
    .filter((entry): entry is [string, AnyCodec] => isCodec(entry[1]))
    .map(([name, codec]) => ({ module, name, codec }))
    .sort((a, b) => a.name.localeCompare(b.name)),
);

const primitiveNames = new Map<AnyCodec, string>([
  [int as AnyCodec, 'int'],
  [long as AnyCodec, 'long'],
  [bool as AnyCodec, 'boolean'],
  [buffer as AnyCodec, 'buffer'],
  [ustring as AnyCodec, 'ustring'],
]);

const recordNames = new Map<AnyCodec, string>(recordModuleCodecs.filter((c) => isRecordCodec(c.codec)).map((c) => [c.codec, c.name]));

/** The jute type name of a codec: a primitive keyword, `vector<T>`, or the record's class name. */
export function juteTypeName(codec: AnyCodec): string {
  const primitive = primitiveNames.get(codec);
  if (primitive !== undefined) return primitive;
  if (isVectorCodec(codec)) return `vector<${juteTypeName(codec.item)}>`;
  const named = recordNames.get(codec);
  if (named !== undefined) return named;
  throw new Error('codec is neither a primitive, a vector nor an exported record');
}
