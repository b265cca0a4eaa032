export { DistributedBarrier } from './barrier.js';
export { BarrierMemberLostError, DistributedDoubleBarrier, READY_NODE, barrierMembers } from './double-barrier.js';
export { WaitTimeoutError, type WaitOptions } from '../internal/wait.js';
