import { ErrorCode } from '../errors/codes.js';
import { MarshallingError } from '../errors/errors.js';
import type { Codec } from '../jute/codec.js';
import { OpCode } from '../jute/opcodes.js';
import type { JuteReader } from '../jute/reader.js';
import { ErrorResponse } from '../jute/records/headers.js';
import { MultiRequest, MultiResponse } from '../jute/records/multi.js';
import {
  ExistsRequest,
  ExistsResponse,
  GetACLRequest,
  GetACLResponse,
  GetAllChildrenNumberRequest,
  GetAllChildrenNumberResponse,
  GetChildren2Response,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  WhoAmIResponse,
} from '../jute/records/requests.js';
import { AddWatchRequest, CheckWatchesRequest, RemoveWatchesRequest, SetWatches, SetWatches2 } from '../jute/records/watches.js';
import type { WatchTables } from './apply.js';
import type { DataTree } from './data-tree.js';
import * as reads from './reads.js';
import { replyFrame } from './reply-frame.js';
import type { ClientLink } from './zk-server.js';

/** What answering a read needs from the request processor. */
export interface ReadDesk {
  readonly tree: DataTree;
  readonly watches: WatchTables;
  readonly maxReplyBytes: number;
  send(link: ClientLink, body: Buffer): void;
  notify(link: ClientLink, type: reads.CatchUpEvent['type'], path: string): void;
  closeAfterOutput(link: ClientLink, reason: string): void;
}

/**
 * Answers one request that does not change the tree (FinalRequestProcessor's read half): reads
 * against the local replica, watch registration, SetWatches with its catch-up events, and the
 * refusals of requests a client may not send. Throws MarshallingError for a body that does not
 * decode and reads.ReplyTooLargeError for a multiRead too large to answer.
 */
export function answerRead(out: ReadDesk, link: ClientLink, xid: number, opcode: number, reader: JuteReader): void {
    const zxid = out.tree.lastProcessedZxid;
    const ctx: reads.ReadContext = { tree: out.tree, watches: out.watches, watcher: link.id, sessionId: link.sessionId, authIds: link.authIds };
    const answer = <T>(codec: Codec<T> | undefined, produce: () => T) => {
      let value: T;
      try {
        value = produce();
      } catch (err) {
        if (!(err instanceof reads.ReadError)) throw err;
        out.send(link, replyFrame(xid, zxid, err.code));
        return;
      }
      out.send(link, replyFrame(xid, zxid, ErrorCode.OK, codec === undefined ? undefined : (w) => codec.write(w, value)));
    };
    switch (opcode) {
      case OpCode.exists: {
        const r = ExistsRequest.read(reader);
        return answer(ExistsResponse, () => reads.exists(ctx, r.path, r.watch));
      }
      case OpCode.getData: {
        const r = GetDataRequest.read(reader);
        return answer(GetDataResponse, () => reads.getData(ctx, r.path, r.watch));
      }
      case OpCode.getChildren: {
        const r = GetChildrenRequest.read(reader);
        return answer(GetChildrenResponse, () => reads.getChildren(ctx, r.path, r.watch));
      }
      case OpCode.getChildren2: {
        const r = GetChildrenRequest.read(reader);
        return answer(GetChildren2Response, () => reads.getChildren(ctx, r.path, r.watch));
      }
      case OpCode.getACL: {
        const r = GetACLRequest.read(reader);
        return answer(GetACLResponse, () => reads.getAcl(ctx, r.path));
      }
      case OpCode.getAllChildrenNumber: {
        const r = GetAllChildrenNumberRequest.read(reader);
        return answer(GetAllChildrenNumberResponse, () => reads.getAllChildrenNumber(ctx, r.path));
      }
      case OpCode.getEphemerals: {
        const r = GetEphemeralsRequest.read(reader);
        return answer(GetEphemeralsResponse, () => reads.getEphemerals(ctx, r.prefixPath));
      }
      case OpCode.whoAmI:
        return answer(WhoAmIResponse, () => ({
          clientInfo: link.authIds.map((id) => ({ authScheme: id.scheme, user: id.scheme === 'digest' ? (id.id.split(':')[0] ?? '') : id.id })),
        }));
      case OpCode.multiRead: {
        const ops = MultiRequest.read(reader);
        if (ops.some((op) => op.type !== OpCode.getData && op.type !== OpCode.getChildren)) {
          throw new MarshallingError({ message: 'multiRead may hold only getData and getChildren ops' });
        }
        return answer(MultiResponse, () => reads.multiRead(ctx, ops, out.maxReplyBytes));
      }
      case OpCode.sasl:
        // No SASL here: ZooKeeper without a SASL provider drops the connection without a reply.
        out.closeAfterOutput(link, 'SASL is not supported');
        return;
      case OpCode.createSession:
        throw new MarshallingError({ message: 'createSession is not a client request' });
      case OpCode.checkWatches: {
        const r = CheckWatchesRequest.read(reader);
        return answer(undefined, () => reads.checkWatches(ctx, r.path, r.type));
      }
      case OpCode.removeWatches: {
        const r = RemoveWatchesRequest.read(reader);
        return answer(undefined, () => reads.removeWatches(ctx, r.path, r.type));
      }
      case OpCode.addWatch: {
        const r = AddWatchRequest.read(reader);
        return answer(ErrorResponse, () => {
          reads.addWatch(ctx, r.path, r.mode);
          return { err: 0 };
        });
      }
      case OpCode.setWatches:
      case OpCode.setWatches2: {
        const r = opcode === OpCode.setWatches ? { ...SetWatches.read(reader), persistentWatches: [], persistentRecursiveWatches: [] } : SetWatches2.read(reader);
        const events = reads.setWatches(ctx, r.relativeZxid, {
          data: r.dataWatches,
          exist: r.existWatches,
          child: r.childWatches,
          persistent: r.persistentWatches,
          persistentRecursive: r.persistentRecursiveWatches,
        });
        // ZooKeeper sends the catch-up events while processing, before the reply.
        for (const e of events) out.notify(link, e.type, e.path);
        out.send(link, replyFrame(xid, zxid, ErrorCode.OK));
        return;
      }
      default:
        // Unknown request types get UNIMPLEMENTED and the connection is closed (UnimplementedRequestProcessor).
        out.send(link, replyFrame(xid, -1n, ErrorCode.UNIMPLEMENTED));
        out.closeAfterOutput(link, `unsupported request type ${opcode}`);
    }
  }
