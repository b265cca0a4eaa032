export { SharedNode, type SharedNodeEvents, type ValueCodec, type VersionedValue } from './shared-node.js';
export { SharedValue } from './shared-value.js';
export { SharedCount } from './shared-count.js';
export { DistributedAtomicLong, type DistributedAtomicLongOptions, type PromotedToLock } from './atomic-long.js';
export { AtomicOutcomeUnknownError, type AtomicStats, type AtomicValue, type LockLease, type PromotableLock } from './atomic-value.js';
export { IdGenerator, type IdGeneratorOptions } from './id-generator.js';
export { Refresher } from './refresher.js';
export { decodeInt32, decodeInt64, encodeInt32, encodeInt64 } from './pure/codec.js';
