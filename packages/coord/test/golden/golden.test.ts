/**
 * Golden bytes: every frame the official Java client and Apache ZooKeeper exchanged in
 * fixtures/java-session.json (recorded by capture.ts) must decode fully with our jute codecs and
 * re-encode to the identical bytes. A failure here means a codec disagrees with real ZooKeeper.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OpCode, type ConnectResponse, type ErrorResponse, type MultiResult, type ReplyHeader, type RequestHeader } from '../../src/jute/index.js';
import { decodeClientFrames, decodeServerFrames, opName, reencode, type DecodedFrame } from './frame-codecs.js';

interface Fixture {
  readonly capturedWith: string;
  readonly connections: ReadonlyArray<{ readonly clientToServer: readonly string[]; readonly serverToClient: readonly string[] }>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/java-session.json', import.meta.url), 'utf8')) as Fixture;

const connections = fixture.connections.map((c, index) => {
  const clientBytes = c.clientToServer.map((h) => Buffer.from(h, 'hex'));
  const serverBytes = c.serverToClient.map((h) => Buffer.from(h, 'hex'));
  const client = decodeClientFrames(clientBytes);
  const server = decodeServerFrames(serverBytes, client.opcodeByXid);
  const frames: Array<{ decoded: DecodedFrame; bytes: Buffer }> = [
    ...client.decoded.map((decoded, i) => ({ decoded, bytes: clientBytes[i] as Buffer })),
    ...server.map((decoded, i) => ({ decoded, bytes: serverBytes[i] as Buffer })),
  ];
  return { name: `connection ${index}`, client, server, frames };
});

describe('golden bytes of a Java client session (fixtures/java-session.json)', () => {
  it('was captured from Apache ZooKeeper and its Java client', () => {
    expect(fixture.capturedWith).toMatch(/Apache ZooKeeper server 3\.\d+.*Java client 3\.\d+/);
  });

  it('has the connections the capture script provokes: the first and two reconnects', () => {
    expect(connections.length).toBe(3);
  });

  describe.each(connections.map((c) => [c.name, c] as const))('%s', (_name, { frames }) => {
    it.each(frames.map((f) => [f.decoded.label, f] as const))('%s round-trips', (_label, { decoded, bytes }) => {
      if (decoded.error !== undefined) throw decoded.error;
      expect(reencode(decoded).toString('hex')).toBe(bytes.toString('hex'));
    });
  });

  it('covers the opcodes the session was written to exercise', () => {
    const sent = new Set(connections.flatMap((c) => c.client.decoded.map((d) => d.opcode)).filter((op) => op !== undefined));
    const wanted = [
      'create', 'create2', 'createContainer', 'createTTL', 'delete', 'exists', 'getData', 'setData', 'getACL', 'setACL',
      'getChildren', 'getChildren2', 'sync', 'ping', 'multi', 'multiRead', 'checkWatches', 'removeWatches', 'auth',
      'setWatches', 'setWatches2', 'getEphemerals', 'getAllChildrenNumber', 'addWatch', 'whoAmI', 'closeSession',
    ] as const;
    const missing = wanted.filter((name) => !sent.has(OpCode[name])).map((name) => opName(OpCode[name]));
    expect(missing).toEqual([]);
  });

  it('includes notifications and error replies (header-only bodies)', () => {
    const labels = connections.flatMap((c) => c.server.map((d) => d.label));
    expect(labels.some((l) => l.endsWith('notification'))).toBe(true);
    expect(labels.some((l) => / err -\d+$/.test(l))).toBe(true);
  });

  // Wire facts the client and server are built on, pinned to what Java actually sent and got.
  describe('observed protocol facts', () => {
    const clientFrames = connections.flatMap((c) => c.client.decoded);
    const serverFrames = connections.flatMap((c) => c.server);
    const byOpcode = (frames: DecodedFrame[], opcode: number): DecodedFrame[] => frames.filter((d) => d.opcode === opcode);
    const body = (d: DecodedFrame | undefined): unknown => d?.parts[1]?.value;

    it('the Java NIO client sends SetWatches/SetWatches2 with an ordinary xid, not -8', () => {
      // ClientCnxn.primeConnection builds RequestHeader(-8, ...), but ClientCnxnSocketNIO.doIO
      // overwrites the xid of every packet except ping and auth. Servers must accept any xid.
      const reWatch = [...byOpcode(clientFrames, OpCode.setWatches), ...byOpcode(clientFrames, OpCode.setWatches2)];
      expect(reWatch.length).toBe(2);
      for (const d of reWatch) expect((d.parts[0]?.value as RequestHeader).xid).toBeGreaterThan(0);
    });

    it('the handshake reply carries the readOnly byte when the request did', () => {
      for (const c of connections) expect((c.server[0]?.parts[0]?.value as ConnectResponse).readOnly).toBe(false);
    });

    it('addWatch is answered with an ErrorResponse-shaped int body', () => {
      const replies = byOpcode(serverFrames, OpCode.addWatch);
      expect(replies.map((d) => body(d) as ErrorResponse)).toEqual([{ err: 0 }, { err: 0 }]);
    });

    it('a failed multi keeps ReplyHeader.err 0 and turns every result into an error result', () => {
      const failed = byOpcode(serverFrames, OpCode.multi).find((d) => (body(d) as MultiResult[]).every((r) => r.type === OpCode.error));
      expect((failed?.parts[0]?.value as ReplyHeader).err).toBe(0);
      expect(body(failed)).toEqual([
        { type: OpCode.error, err: 0 },
        { type: OpCode.error, err: -101 },
        { type: OpCode.error, err: -2 },
      ]);
    });

    it('createContainer and createTTL inside a multi answer as create2 results', () => {
      const ok = byOpcode(serverFrames, OpCode.multi).find((d) => (body(d) as MultiResult[]).some((r) => r.type !== OpCode.error));
      expect((body(ok) as MultiResult[]).map((r) => r.type)).toEqual([OpCode.create, OpCode.create2, OpCode.create2, OpCode.setData, OpCode.check, OpCode.delete]);
    });

    it('notifications carry zxid -1 in their ReplyHeader', () => {
      const notes = serverFrames.filter((d) => d.label.endsWith('notification'));
      for (const d of notes) expect((d.parts[0]?.value as ReplyHeader).zxid).toBe(-1n);
    });
  });
});
