import { MarshallingError } from '../../errors/errors.js';
import { bool, buffer, int, long, record, type Codec } from '../codec.js';

const connectRequestFields = record({
  protocolVersion: int,
  lastZxidSeen: long,
  timeOut: int,
  sessionId: long,
  passwd: buffer,
});

const connectResponseFields = record({
  protocolVersion: int,
  timeOut: int,
  sessionId: long,
  passwd: buffer,
});

/**
 * The handshake records. The trailing readOnly byte is optional on the wire: older clients
 * (node-zookeeper-client among them) omit it, and the server answers in the shape it was asked.
 * `readOnly: undefined` means the byte is absent.
 */
export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeOut: number;
  sessionId: bigint;
  passwd: Uint8Array | null;
  readOnly: boolean | undefined;
}

export interface ConnectResponse {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Uint8Array | null;
  readOnly: boolean | undefined;
}

function withOptionalReadOnly<T extends object>(base: Codec<T>): Codec<T & { readOnly: boolean | undefined }> {
  return {
    minBytes: base.minBytes,
    write(w, value) {
      base.write(w, value);
      if (value.readOnly !== undefined) bool.write(w, value.readOnly);
    },
    read(r) {
      const value = base.read(r);
      let readOnly: boolean | undefined;
      if (r.remaining === 1) readOnly = bool.read(r);
      else if (r.remaining > 1) throw new MarshallingError({ message: `${r.remaining} unexpected bytes after the connect handshake` });
      return { ...value, readOnly };
    },
  };
}

export const ConnectRequest: Codec<ConnectRequest> = withOptionalReadOnly(connectRequestFields);
export const ConnectResponse: Codec<ConnectResponse> = withOptionalReadOnly(connectResponseFields);
