// The locks family: Curator's InterProcess* recipes, herd-free and fenced.
export { Mutex, MUTEX_NAME } from './mutex.js';
export { SemaphoreMutex } from './semaphore-mutex.js';
export { Semaphore, LEASE_NAME } from './semaphore.js';
export { ReadWriteLock } from './read-write-lock.js';
export { MultiLock, type MultiLease } from './multi-lock.js';
export { LockTimeoutError } from './errors.js';
export { decideLock, type LockDecision } from './pure/lock-engine.js';
export { decideRead, decideWrite, READ_MARKER, WRITE_MARKER } from './pure/rw-engine.js';
export type { AcquireOptions, Lease, LeaseLostReason, Lockable } from './types.js';
