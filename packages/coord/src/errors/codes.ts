/**
 * ZooKeeper's result codes (KeeperException.Code), declared once. Every typed error, the codec,
 * the client and the server read from this table.
 */
export const ErrorCode = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeValue = (typeof ErrorCode)[ErrorCodeName];

/**
 * Codes a caller may retry after backing off: the operation may not have happened (or, for
 * connection loss, may have). Session expiry is retriable only with a new session, as in Curator.
 */
const retriableCodes: ReadonlySet<number> = new Set<number>([
  ErrorCode.CONNECTIONLOSS,
  ErrorCode.OPERATIONTIMEOUT,
  ErrorCode.SESSIONMOVED,
  ErrorCode.SESSIONEXPIRED,
  ErrorCode.REQUESTTIMEOUT,
  ErrorCode.THROTTLEDOP,
]);

const namesByCode = new Map<number, ErrorCodeName>(
  (Object.entries(ErrorCode) as [ErrorCodeName, number][]).map(([name, code]) => [code, name]),
);

export function errorCodeName(code: number): ErrorCodeName | 'UNKNOWN' {
  return namesByCode.get(code) ?? 'UNKNOWN';
}

export function isRetriableCode(code: number): boolean {
  return retriableCodes.has(code);
}

export function isKnownErrorCode(code: number): code is ErrorCodeValue {
  return namesByCode.has(code);
}
