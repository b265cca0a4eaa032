import { describe, expect, it } from 'vitest';
import { CreateMode, OpCode, Perms } from '../../../src/jute/opcodes.js';
import { JuteReader } from '../../../src/jute/reader.js';
import { ReplyHeader } from '../../../src/jute/records/headers.js';
import { CreateRequest, GetDataRequest, GetDataResponse, SetDataRequest } from '../../../src/jute/records/requests.js';
import { JuteWriter } from '../../../src/jute/writer.js';
import { LocalWrites } from '../../../src/server/local-writes.js';
import { sessionPassword } from '../../../src/server/session-password.js';
import type { SubmittedWrite, WritePath, WriteSink } from '../../../src/server/write-path.js';
import { ServerCore, type ClientLink } from '../../../src/server/zk-server.js';
import { ManualClock } from '../../../src/util/clock.js';

/**
 * A write whose connection closes before it is answered still commits (a quorum member forwarded
 * it). The session's next connection must not read past it: a client that lost the reply and
 * reads again to learn the outcome would otherwise see the old value, write again, and apply its
 * change twice (found by the lock-safety conformance test against a follower).
 */

/** A write path that holds every write until the test releases it, as a leader round trip would. */
class HeldWrites implements WritePath {
  private readonly inner: LocalWrites;
  private readonly held: SubmittedWrite[] = [];
  readonly expiresSessions = false;
  readonly removesContainers = false;

  constructor(clock: ManualClock, private readonly core: () => ServerCore) {
    this.inner = new LocalWrites({ clock, extendedTypesEnabled: false, sessions: () => this.core().sessions });
  }
  get tree() {
    return this.inner.tree;
  }
  get watches() {
    return this.inner.watches;
  }
  bind(sink: WriteSink): void {
    this.inner.bind(sink);
  }
  submit(write: SubmittedWrite): void {
    if (write.opcode === OpCode.createSession) this.inner.submit(write);
    else this.held.push(write);
  }
  release(): void {
    for (const w of this.held.splice(0)) this.inner.submit(w);
  }
  revalidate(_sessionId: bigint, _timeoutMs: number, done: (valid: boolean) => void): void {
    done(true);
  }
  touch(): void {}
  sync(done: () => void): void {
    done();
  }
}

class Link implements ClientLink {
  sessionId = 0n;
  readonly authIds = [{ scheme: 'ip', id: '127.0.0.1' }];
  readonly remoteAddress = '127.0.0.1';
  readonly frames: Buffer[] = [];
  closed = false;
  constructor(readonly id: number) {}
  send(body: Buffer): void {
    this.frames.push(body);
  }
  close(): void {
    this.closed = true;
  }
}

const body = (write: (w: JuteWriter) => void): JuteReader => {
  const w = new JuteWriter(64);
  write(w);
  return new JuteReader(w.toBuffer());
};

describe('a session that reconnects waits for the writes its closed connection left behind', () => {
  it('a read on the new connection is answered only once the orphaned write is applied, and sees it', () => {
    const clock = new ManualClock(0);
    const ref: { core?: ServerCore } = {};
    const path = new HeldWrites(clock, () => ref.core as ServerCore);
    const core = new ServerCore({ serverId: 1, tickTimeMs: 100, minSessionTimeoutMs: 200, maxSessionTimeoutMs: 20_000, extendedTypesEnabled: false, superDigest: undefined, clock, maxReplyBytes: 0xfffff, writePath: path });
    ref.core = core;

    const a = new Link(1);
    core.attach(a);
    let sessionId = 0n;
    core.connect(a, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10_000, sessionId: 0n, passwd: new Uint8Array(16), readOnly: false }, (answer) => {
      sessionId = answer?.sessionId ?? 0n;
    });
    expect(sessionId).not.toBe(0n);
    core.request(a, 1, OpCode.create, body((w) => CreateRequest.write(w, { path: '/n', data: Buffer.from('0'), acl: [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }], flags: CreateMode.PERSISTENT })));
    path.release();
    core.request(a, 2, OpCode.setData, body((w) => SetDataRequest.write(w, { path: '/n', data: Buffer.from('1'), version: 0 })));
    // The connection drops with the setData on its way.
    core.detach(a);

    const b = new Link(2);
    core.attach(b);
    let answered = false;
    core.connect(b, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10_000, sessionId, passwd: sessionPassword(sessionId), readOnly: false }, (answer) => {
      answered = answer?.sessionId === sessionId;
    });
    expect(answered).toBe(true);
    core.request(b, 1, OpCode.getData, body((w) => GetDataRequest.write(w, { path: '/n', watch: false })));
    expect(b.frames, 'the read must wait for the session’s own write').toHaveLength(0);

    path.release();
    expect(b.frames).toHaveLength(1);
    const r = new JuteReader(b.frames[0] as Buffer);
    expect(ReplyHeader.read(r).err).toBe(0);
    expect(Buffer.from(GetDataResponse.read(r).data ?? []).toString()).toBe('1');
  });
});
