/**
 * Errors of the persistence layer. A format error is a file that does not parse; a
 * RecoveryRefusedError stops a server from starting on a dataDir it cannot trust, and its
 * message names the file (and byte offset) an operator has to look at.
 */
export class PersistenceFormatError extends Error {
  override readonly name = 'PersistenceFormatError';
}

export class RecoveryRefusedError extends Error {
  override readonly name = 'RecoveryRefusedError';

  constructor(
    message: string,
    readonly file: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}
