import { bool, buffer, int, long, record, ustring, type ValueOf } from '../codec.js';

// Every request and reply has a header: both have hand-written fast paths (checked by record()).
export const RequestHeader = record(
  { xid: int, type: int },
  {
    write: (w, v) => {
      w.int(v.xid);
      w.int(v.type);
    },
  },
);
export type RequestHeader = ValueOf<typeof RequestHeader>;

export const ReplyHeader = record({ xid: int, zxid: long, err: int }, { read: (r) => ({ xid: r.int(), zxid: r.long(), err: r.int() }) });
export type ReplyHeader = ValueOf<typeof ReplyHeader>;

/** Body of a notification (xid -1). */
export const WatcherEvent = record({ type: int, state: int, path: ustring });
export type WatcherEvent = ValueOf<typeof WatcherEvent>;

export const MultiHeader = record({ type: int, done: bool, err: int });
export type MultiHeader = ValueOf<typeof MultiHeader>;

/** Sent at xid -4; `type` is always 0. */
export const AuthPacket = record({ type: int, scheme: ustring, auth: buffer });
export type AuthPacket = ValueOf<typeof AuthPacket>;

export const ErrorResponse = record({ err: int });
export type ErrorResponse = ValueOf<typeof ErrorResponse>;
