import { encode } from '../../../jute/codec.js';
import { CreateMode, OpCode } from '../../../jute/opcodes.js';
import type { ACL } from '../../../jute/records/data.js';
import { CreateRequest, DeleteRequest, SetDataRequest } from '../../../jute/records/requests.js';
import type { ClientWrite } from '../../../quorum/core/types.js';

/** The writes a scripted client sends, and their encoding as the core takes them. */
export type Op =
  | { readonly kind: 'create'; readonly path: string; readonly data: string; readonly ephemeral?: boolean; readonly sequential?: boolean }
  | { readonly kind: 'setData'; readonly path: string; readonly data: string; readonly version?: number }
  | { readonly kind: 'delete'; readonly path: string; readonly version?: number }
  | { readonly kind: 'createSession'; readonly timeoutMs: number }
  | { readonly kind: 'closeSession' };

const OPEN_ACL: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

export const create = (path: string, data = path, options: { ephemeral?: boolean; sequential?: boolean } = {}): Op => ({ kind: 'create', path, data, ...options });
export const setData = (path: string, data: string, version = -1): Op => ({ kind: 'setData', path, data, version });
export const del = (path: string, version = -1): Op => ({ kind: 'delete', path, version });

export function encodeOp(op: Op, sessionId: bigint, cxid: number): ClientWrite {
  const base = { sessionId, cxid, authIds: [] };
  switch (op.kind) {
    case 'create': {
      const flags = op.ephemeral === true ? (op.sequential === true ? CreateMode.EPHEMERAL_SEQUENTIAL : CreateMode.EPHEMERAL) : op.sequential === true ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT;
      return { ...base, opcode: OpCode.create, body: encode(CreateRequest, { path: op.path, data: Buffer.from(op.data), acl: OPEN_ACL, flags }) };
    }
    case 'setData':
      return { ...base, opcode: OpCode.setData, body: encode(SetDataRequest, { path: op.path, data: Buffer.from(op.data), version: op.version ?? -1 }) };
    case 'delete':
      return { ...base, opcode: OpCode.delete, body: encode(DeleteRequest, { path: op.path, version: op.version ?? -1 }) };
    case 'createSession': {
      const body = Buffer.alloc(4);
      body.writeInt32BE(op.timeoutMs);
      return { ...base, opcode: OpCode.createSession, body };
    }
    case 'closeSession':
      return { ...base, opcode: OpCode.closeSession, body: new Uint8Array(0) };
  }
}

export function describeOp(op: Op): string {
  switch (op.kind) {
    case 'create':
      return `create ${op.path}${op.ephemeral === true ? ' (ephemeral)' : ''}`;
    case 'setData':
      return `setData ${op.path}`;
    case 'delete':
      return `delete ${op.path}`;
    case 'createSession':
      return `createSession ${op.timeoutMs}ms`;
    case 'closeSession':
      return 'closeSession';
  }
}
