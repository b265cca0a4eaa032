import { BadArgumentsError } from '../errors/errors.js';
import { encode } from '../jute/codec.js';
import { CreateMode, OpCode } from '../jute/opcodes.js';
import type { MultiOp } from '../jute/records/multi.js';
import { CreateRequest, CreateTTLRequest } from '../jute/records/requests.js';
import { OPEN_ACL_UNSAFE } from './acl.js';
import type { CreateOptions, Data } from './types.js';

/** Largest TTL the server's ephemeralOwner encoding can carry (EphemeralType.TTL). */
export const MAX_TTL_MS = 0xffffffffff;

const textEncoder = new TextEncoder();

/** User data to bytes: strings are UTF-8; null stays null (the server stores no data). */
export function toData(data: Data | null | undefined): Uint8Array | null {
  if (data === null || data === undefined) return null;
  return typeof data === 'string' ? textEncoder.encode(data) : data;
}

export function isSequentialMode(mode: CreateOptions['mode']): boolean {
  return mode === 'PERSISTENT_SEQUENTIAL' || mode === 'EPHEMERAL_SEQUENTIAL' || mode === 'PERSISTENT_SEQUENTIAL_WITH_TTL';
}

export type CreateOp = Extract<MultiOp, { type: typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer | typeof OpCode.createTTL }>;

/**
 * Validates a create and picks its opcode as the Java client does: containers and TTL nodes
 * have their own opcodes; otherwise a caller that wants the Stat gets create2.
 */
export function buildCreate(serverPath: string, data: Data | null, options: Pick<CreateOptions, 'mode' | 'acl' | 'ttlMs'>, withStat: boolean): CreateOp {
  const mode = options.mode ?? 'PERSISTENT';
  const flags = CreateMode[mode];
  if (flags === undefined) throw new BadArgumentsError({ message: `unknown create mode ${String(mode)}` });
  const acl = [...(options.acl ?? OPEN_ACL_UNSAFE)];
  if (acl.length === 0) throw new BadArgumentsError({ path: serverPath, message: 'an ACL list must not be empty' });
  const bytes = toData(data);
  if (mode === 'PERSISTENT_WITH_TTL' || mode === 'PERSISTENT_SEQUENTIAL_WITH_TTL') {
    const ttlMs = options.ttlMs;
    if (ttlMs === undefined || !Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_TTL_MS) {
      throw new BadArgumentsError({ path: serverPath, message: `mode ${mode} needs ttlMs between 1 and ${MAX_TTL_MS}, got ${String(ttlMs)}` });
    }
    return { type: OpCode.createTTL, request: { path: serverPath, data: bytes, acl, flags, ttl: BigInt(ttlMs) } };
  }
  if (options.ttlMs !== undefined) throw new BadArgumentsError({ path: serverPath, message: `ttlMs is only allowed with the *_WITH_TTL modes, not ${mode}` });
  const type = mode === 'CONTAINER' ? OpCode.createContainer : withStat ? OpCode.create2 : OpCode.create;
  return { type, request: { path: serverPath, data: bytes, acl, flags } };
}

export function encodeCreateOp(op: CreateOp): Buffer {
  return op.type === OpCode.createTTL ? encode(CreateTTLRequest, op.request) : encode(CreateRequest, op.request);
}
