import { ErrorCode } from '../errors/codes.js';
import { ReplyHeader } from '../jute/records/headers.js';
import { JuteWriter } from '../jute/writer.js';

/** One reply: the header, and the body only when the request succeeded (ZooKeeper sends none with an error). */
export function replyFrame(xid: number, zxid: bigint, err: number, write?: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter(64);
  ReplyHeader.write(w, { xid, zxid, err });
  if (err === ErrorCode.OK && write !== undefined) write(w);
  return w.toBuffer();
}
