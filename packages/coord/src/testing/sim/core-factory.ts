import { PeerCore } from '../../quorum/core/peer.js';
import type { CoreFactory } from './types.js';

/** The real core, as the simulator runs it by default. */
export const peerCoreFactory: CoreFactory = (config, recovered, nowMs) => new PeerCore(config, recovered, nowMs);
