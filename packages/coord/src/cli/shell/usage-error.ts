/**
 * A mistake in what the user typed (unknown flag, missing argument, malformed ACL...). The shell
 * prints its message with the command's usage line; it never reaches the server.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
