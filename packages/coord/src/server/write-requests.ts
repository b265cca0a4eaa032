import { OpCode } from '../jute/opcodes.js';
import type { JuteReader } from '../jute/reader.js';
import { MultiRequest, MultiResponse } from '../jute/records/multi.js';
import {
  CheckVersionRequest,
  Create2Response,
  CreateRequest,
  CreateResponse,
  CreateTTLRequest,
  DeleteRequest,
  SetACLRequest,
  SetACLResponse,
  SetDataRequest,
  SetDataResponse,
} from '../jute/records/requests.js';
import type { JuteWriter } from '../jute/writer.js';
import type { ApplyResult } from './apply.js';
import type { WriteRequest } from './prep.js';

/** Requests that go through prep and take a zxid, even when refused. */
export const WRITE_OPCODES: ReadonlySet<number> = new Set([
  OpCode.create,
  OpCode.create2,
  OpCode.createContainer,
  OpCode.createTTL,
  OpCode.delete,
  OpCode.deleteContainer,
  OpCode.setData,
  OpCode.setACL,
  OpCode.check,
  OpCode.multi,
  OpCode.reconfig,
]);

/**
 * Decodes the body of a write that prep handles, or undefined for write opcodes the core
 * refuses itself (reconfig, deleteContainer from a client) and for non-writes. Throws
 * MarshallingError for a body that does not decode.
 */
export function decodeWriteRequest(opcode: number, reader: JuteReader): WriteRequest | undefined {
  switch (opcode) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
      return { type: opcode, request: CreateRequest.read(reader) };
    case OpCode.createTTL:
      return { type: opcode, request: CreateTTLRequest.read(reader) };
    case OpCode.delete:
      return { type: opcode, request: DeleteRequest.read(reader) };
    case OpCode.setData:
      return { type: opcode, request: SetDataRequest.read(reader) };
    case OpCode.setACL:
      return { type: opcode, request: SetACLRequest.read(reader) };
    case OpCode.check:
      return { type: opcode, request: CheckVersionRequest.read(reader) };
    case OpCode.multi:
      return { type: opcode, ops: MultiRequest.read(reader) };
    case OpCode.deleteContainer:
      DeleteRequest.read(reader);
      return undefined;
    default:
      return undefined;
  }
}

/** The reply body of an applied write, in the record its opcode answers with. */
export function writeReplyBody(opcode: number, result: ApplyResult): ((w: JuteWriter) => void) | undefined {
  const body = result.body;
  switch (body.kind) {
    case 'create':
      return (w) => CreateResponse.write(w, body);
    case 'create2':
      return (w) => Create2Response.write(w, body);
    case 'stat':
      return opcode === OpCode.setACL ? (w) => SetACLResponse.write(w, body) : (w) => SetDataResponse.write(w, body);
    case 'multi':
      return (w) => MultiResponse.write(w, body.results);
    default:
      return undefined;
  }
}
