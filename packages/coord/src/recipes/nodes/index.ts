export { PersistentNode, type PersistentNodeEvents, type PersistentNodeOptions } from './persistent-node.js';
export { GroupMember, type GroupMemberEvents } from './group-member.js';
