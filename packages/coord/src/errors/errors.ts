import { ErrorCode, errorCodeName, isRetriableCode, type ErrorCodeName } from './codes.js';

export interface CoordErrorDetails {
  /** The znode path the failed operation named (client-visible, chroot removed). */
  readonly path?: string;
  readonly message?: string;
  readonly cause?: unknown;
  /** Overrides the code table's retriable flag (a closed client's connection loss is final). */
  readonly retriable?: boolean;
  /** For a failed multi: which op failed, and every op's result code (0, the failure, then -2s). */
  readonly transaction?: TransactionFailure;
}

export interface TransactionFailure {
  readonly failedIndex: number;
  readonly codes: readonly number[];
}

/** Base of every error this package throws. `code` is ZooKeeper's numeric result code. */
export class CoordError extends Error {
  readonly code: number;
  readonly codeName: ErrorCodeName | 'UNKNOWN';
  readonly retriable: boolean;
  readonly path: string | undefined;
  readonly transaction: TransactionFailure | undefined;

  constructor(code: number, details: CoordErrorDetails = {}) {
    const codeName = errorCodeName(code);
    const suffix = details.path === undefined ? '' : ` for ${details.path}`;
    super(details.message ?? `${codeName} (${code})${suffix}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.codeName = codeName;
    this.retriable = details.retriable ?? isRetriableCode(code);
    this.path = details.path;
    this.transaction = details.transaction;
  }
}

/** A class per code; `code` is the literal value, so the classes are distinct types too. */
function codeError<C extends number>(code: C) {
  return class extends CoordError {
    declare readonly code: C;
    static readonly code = code;
    constructor(details: CoordErrorDetails = {}) {
      super(code, details);
    }
  };
}

// One class per code users branch on; `instanceof NoNodeError` reads as in the Java client.
export class SystemError extends codeError(ErrorCode.SYSTEMERROR) {}
export class RuntimeInconsistencyError extends codeError(ErrorCode.RUNTIMEINCONSISTENCY) {}
export class DataInconsistencyError extends codeError(ErrorCode.DATAINCONSISTENCY) {}
export class ConnectionLossError extends codeError(ErrorCode.CONNECTIONLOSS) {}
/** The codec's typed error: malformed or truncated bytes. */
export class MarshallingError extends codeError(ErrorCode.MARSHALLINGERROR) {}
export class UnimplementedError extends codeError(ErrorCode.UNIMPLEMENTED) {}
export class OperationTimeoutError extends codeError(ErrorCode.OPERATIONTIMEOUT) {}
export class BadArgumentsError extends codeError(ErrorCode.BADARGUMENTS) {}
export class UnknownSessionError extends codeError(ErrorCode.UNKNOWNSESSION) {}
export class NewConfigNoQuorumError extends codeError(ErrorCode.NEWCONFIGNOQUORUM) {}
export class ReconfigInProgressError extends codeError(ErrorCode.RECONFIGINPROGRESS) {}
export class ApiError extends codeError(ErrorCode.APIERROR) {}
export class NoNodeError extends codeError(ErrorCode.NONODE) {}
export class NoAuthError extends codeError(ErrorCode.NOAUTH) {}
export class BadVersionError extends codeError(ErrorCode.BADVERSION) {}
export class NoChildrenForEphemeralsError extends codeError(ErrorCode.NOCHILDRENFOREPHEMERALS) {}
export class NodeExistsError extends codeError(ErrorCode.NODEEXISTS) {}
export class NotEmptyError extends codeError(ErrorCode.NOTEMPTY) {}
export class SessionExpiredError extends codeError(ErrorCode.SESSIONEXPIRED) {}
export class InvalidCallbackError extends codeError(ErrorCode.INVALIDCALLBACK) {}
export class InvalidAclError extends codeError(ErrorCode.INVALIDACL) {}
export class AuthFailedError extends codeError(ErrorCode.AUTHFAILED) {}
export class SessionMovedError extends codeError(ErrorCode.SESSIONMOVED) {}
export class NotReadOnlyError extends codeError(ErrorCode.NOTREADONLY) {}
export class EphemeralOnLocalSessionError extends codeError(ErrorCode.EPHEMERALONLOCALSESSION) {}
export class NoWatcherError extends codeError(ErrorCode.NOWATCHER) {}
export class RequestTimeoutError extends codeError(ErrorCode.REQUESTTIMEOUT) {}
export class ReconfigDisabledError extends codeError(ErrorCode.RECONFIGDISABLED) {}
export class SessionClosedRequireSaslAuthError extends codeError(ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH) {}
export class QuotaExceededError extends codeError(ErrorCode.QUOTAEXCEEDED) {}
export class ThrottledOpError extends codeError(ErrorCode.THROTTLEDOP) {}

/** A call on a client after close(): a connection loss that no retry can fix. */
export class ClientClosedError extends ConnectionLossError {
  constructor(details: Omit<CoordErrorDetails, 'retriable'> = {}) {
    super({ message: 'the client is closed', ...details, retriable: false });
  }
}

const classesByCode = new Map<number, new (details?: CoordErrorDetails) => CoordError>([
  [ErrorCode.SYSTEMERROR, SystemError],
  [ErrorCode.RUNTIMEINCONSISTENCY, RuntimeInconsistencyError],
  [ErrorCode.DATAINCONSISTENCY, DataInconsistencyError],
  [ErrorCode.CONNECTIONLOSS, ConnectionLossError],
  [ErrorCode.MARSHALLINGERROR, MarshallingError],
  [ErrorCode.UNIMPLEMENTED, UnimplementedError],
  [ErrorCode.OPERATIONTIMEOUT, OperationTimeoutError],
  [ErrorCode.BADARGUMENTS, BadArgumentsError],
  [ErrorCode.UNKNOWNSESSION, UnknownSessionError],
  [ErrorCode.NEWCONFIGNOQUORUM, NewConfigNoQuorumError],
  [ErrorCode.RECONFIGINPROGRESS, ReconfigInProgressError],
  [ErrorCode.APIERROR, ApiError],
  [ErrorCode.NONODE, NoNodeError],
  [ErrorCode.NOAUTH, NoAuthError],
  [ErrorCode.BADVERSION, BadVersionError],
  [ErrorCode.NOCHILDRENFOREPHEMERALS, NoChildrenForEphemeralsError],
  [ErrorCode.NODEEXISTS, NodeExistsError],
  [ErrorCode.NOTEMPTY, NotEmptyError],
  [ErrorCode.SESSIONEXPIRED, SessionExpiredError],
  [ErrorCode.INVALIDCALLBACK, InvalidCallbackError],
  [ErrorCode.INVALIDACL, InvalidAclError],
  [ErrorCode.AUTHFAILED, AuthFailedError],
  [ErrorCode.SESSIONMOVED, SessionMovedError],
  [ErrorCode.NOTREADONLY, NotReadOnlyError],
  [ErrorCode.EPHEMERALONLOCALSESSION, EphemeralOnLocalSessionError],
  [ErrorCode.NOWATCHER, NoWatcherError],
  [ErrorCode.REQUESTTIMEOUT, RequestTimeoutError],
  [ErrorCode.RECONFIGDISABLED, ReconfigDisabledError],
  [ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH, SessionClosedRequireSaslAuthError],
  [ErrorCode.QUOTAEXCEEDED, QuotaExceededError],
  [ErrorCode.THROTTLEDOP, ThrottledOpError],
]);

/** The typed error for a result code; unknown codes still give a CoordError carrying the number. */
export function errorFromCode(code: number, details: CoordErrorDetails = {}): CoordError {
  const ErrorClass = classesByCode.get(code);
  return ErrorClass === undefined ? new CoordError(code, details) : new ErrorClass(details);
}
