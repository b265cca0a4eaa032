import { MarshallingError } from '../../errors/errors.js';
import type { Codec } from '../codec.js';
import { OpCode } from '../opcodes.js';
import { ErrorResponse, MultiHeader } from './headers.js';
import {
  CheckVersionRequest,
  Create2Response,
  CreateRequest,
  CreateResponse,
  CreateTTLRequest,
  DeleteRequest,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  SetDataRequest,
  SetDataResponse,
} from './requests.js';

/**
 * multi (14) and multiRead (22): a sequence of MultiHeader + record pairs closed by
 * MultiHeader(-1, done=true, -1). Each op header carries err -1 in requests.
 */
export type MultiOp =
  | { type: typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer; request: CreateRequest }
  | { type: typeof OpCode.createTTL; request: CreateTTLRequest }
  | { type: typeof OpCode.delete; request: DeleteRequest }
  | { type: typeof OpCode.setData; request: SetDataRequest }
  | { type: typeof OpCode.check; request: CheckVersionRequest }
  | { type: typeof OpCode.getChildren; request: GetChildrenRequest }
  | { type: typeof OpCode.getData; request: GetDataRequest };

/**
 * One result. On a failed multi every result is `error`: ops before the failure carry 0, the
 * failing op its code, later ops RUNTIMEINCONSISTENCY (-2).
 */
export type MultiResult =
  | { type: typeof OpCode.create; path: string }
  | { type: typeof OpCode.create2 | typeof OpCode.createContainer | typeof OpCode.createTTL; path: string; stat: SetDataResponse['stat'] }
  | { type: typeof OpCode.delete | typeof OpCode.check }
  | { type: typeof OpCode.setData; stat: SetDataResponse['stat'] }
  | { type: typeof OpCode.getChildren; children: string[] }
  | { type: typeof OpCode.getData; data: Uint8Array | null; stat: SetDataResponse['stat'] }
  | { type: typeof OpCode.error; err: number };

const END = { type: -1, done: true, err: -1 } as const;

function requestCodec(type: number): Codec<unknown> {
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
      return CreateRequest;
    case OpCode.createTTL:
      return CreateTTLRequest;
    case OpCode.delete:
      return DeleteRequest;
    case OpCode.setData:
      return SetDataRequest;
    case OpCode.check:
      return CheckVersionRequest;
    case OpCode.getChildren:
      return GetChildrenRequest;
    case OpCode.getData:
      return GetDataRequest;
    default:
      throw new MarshallingError({ message: `op type ${type} is not allowed in a multi` });
  }
}

export const MultiRequest: Codec<MultiOp[]> = {
  minBytes: MultiHeader.minBytes,
  write(w, ops) {
    for (const op of ops) {
      MultiHeader.write(w, { type: op.type, done: false, err: -1 });
      requestCodec(op.type).write(w, op.request);
    }
    MultiHeader.write(w, END);
  },
  read(r) {
    const ops: MultiOp[] = [];
    for (;;) {
      const h = MultiHeader.read(r);
      if (h.done) return ops;
      ops.push({ type: h.type, request: requestCodec(h.type).read(r) } as MultiOp);
    }
  },
};

export const MultiResponse: Codec<MultiResult[]> = {
  minBytes: MultiHeader.minBytes,
  write(w, results) {
    for (const result of results) {
      const err = result.type === OpCode.error ? result.err : 0;
      MultiHeader.write(w, { type: result.type, done: false, err });
      switch (result.type) {
        case OpCode.create:
          CreateResponse.write(w, result);
          break;
        case OpCode.create2:
        case OpCode.createContainer:
        case OpCode.createTTL:
          Create2Response.write(w, result);
          break;
        case OpCode.setData:
          SetDataResponse.write(w, result);
          break;
        case OpCode.getChildren:
          GetChildrenResponse.write(w, result);
          break;
        case OpCode.getData:
          GetDataResponse.write(w, result);
          break;
        case OpCode.error:
          ErrorResponse.write(w, result);
          break;
        default:
          break; // delete and check carry no body
      }
    }
    MultiHeader.write(w, END);
  },
  read(r) {
    const results: MultiResult[] = [];
    for (;;) {
      const h = MultiHeader.read(r);
      if (h.done) return results;
      switch (h.type) {
        case OpCode.create:
          results.push({ type: h.type, ...CreateResponse.read(r) });
          break;
        case OpCode.create2:
        case OpCode.createContainer:
        case OpCode.createTTL:
          results.push({ type: h.type, ...Create2Response.read(r) });
          break;
        case OpCode.delete:
        case OpCode.check:
          results.push({ type: h.type });
          break;
        case OpCode.setData:
          results.push({ type: h.type, ...SetDataResponse.read(r) });
          break;
        case OpCode.getChildren:
          results.push({ type: h.type, ...GetChildrenResponse.read(r) });
          break;
        case OpCode.getData:
          results.push({ type: h.type, ...GetDataResponse.read(r) });
          break;
        case OpCode.error:
          results.push({ type: h.type, ...ErrorResponse.read(r) });
          break;
        default:
          throw new MarshallingError({ message: `unknown multi result type ${h.type}` });
      }
    }
  },
};
