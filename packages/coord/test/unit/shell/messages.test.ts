import { describe, expect, it } from 'vitest';
import { clientConfigString, describeError, formatJavaList, formatWatchedEvent } from '../../../src/cli/shell/messages.js';
import { UsageError } from '../../../src/cli/shell/usage-error.js';
import { ErrorCode } from '../../../src/errors/codes.js';
import {
  BadArgumentsError,
  BadVersionError,
  ConnectionLossError,
  CoordError,
  NoAuthError,
  NoNodeError,
  NodeExistsError,
  NotEmptyError,
  SessionExpiredError,
  UnimplementedError,
} from '../../../src/errors/errors.js';

describe('describeError', () => {
  it('uses zkCli wording with the path and the code name', () => {
    expect(describeError(new NoNodeError({ path: '/x' }))).toBe('Node does not exist: /x (NONODE)');
    expect(describeError(new NodeExistsError({ path: '/x' }))).toBe('Node already exists: /x (NODEEXISTS)');
    expect(describeError(new NotEmptyError({ path: '/x' }))).toBe('Node not empty: /x (NOTEMPTY)');
    expect(describeError(new BadVersionError({ path: '/x' }))).toBe('version No is not valid : /x (BADVERSION)');
    expect(describeError(new NoAuthError({ path: '/x' }))).toBe('Insufficient permission : /x (NOAUTH)');
  });

  it('drops the path part when the operation had none', () => {
    expect(describeError(new UnimplementedError())).toBe('The server does not implement this operation (UNIMPLEMENTED)');
  });

  it('keeps a message the client wrote, adding the path and code name when missing', () => {
    const invalid = new BadArgumentsError({ path: 'x', message: 'invalid path "x": path must start with /' });
    expect(describeError(invalid)).toBe('invalid path "x": path must start with / (BADARGUMENTS)');
    const lost = new ConnectionLossError({ path: '/a', message: 'connection closed' });
    expect(describeError(lost)).toBe('connection closed: /a (CONNECTIONLOSS)');
    const expired = new SessionExpiredError({ message: 'session 0x1 expired' });
    expect(describeError(expired)).toBe('session 0x1 expired (SESSIONEXPIRED)');
  });

  it('falls back to the default message for codes without wording', () => {
    expect(describeError(new CoordError(ErrorCode.SYSTEMERROR, { path: '/a' }))).toBe('SYSTEMERROR (-1) for /a');
  });

  it('prints usage errors and other errors by their message', () => {
    expect(describeError(new UsageError('missing path'))).toBe('missing path');
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('text')).toBe('text');
  });
});

describe('formatWatchedEvent', () => {
  it('prints as zkCli\'s watcher does', () => {
    expect(formatWatchedEvent({ type: 'NodeDataChanged', path: '/x', zxid: 5n }, false)).toEqual([
      'WATCHER::',
      'WatchedEvent state:SyncConnected type:NodeDataChanged path:/x',
    ]);
    expect(formatWatchedEvent({ type: 'NodeCreated', path: '/y', zxid: 5n }, true)[1]).toBe('WatchedEvent state:ConnectedReadOnly type:NodeCreated path:/y');
  });
});

describe('formatJavaList', () => {
  it('prints like List#toString', () => {
    expect(formatJavaList([])).toBe('[]');
    expect(formatJavaList(['a', 'zookeeper'])).toBe('[a, zookeeper]');
  });
});

describe('clientConfigString (config -c)', () => {
  it('reduces the dynamic config to version and client addresses', () => {
    const config = [
      'server.1=10.0.0.1:2888:3888:participant;0.0.0.0:2181',
      'server.2=10.0.0.2:2888:3888:participant;2182',
      'server.3=10.0.0.3:2888:3888:observer',
      'version=100000000',
    ].join('\n');
    expect(clientConfigString(config)).toBe('100000000 0.0.0.0:2181,10.0.0.2:2182');
  });

  it('is empty on a standalone server\'s empty config', () => {
    expect(clientConfigString('')).toBe(' ');
  });
});
