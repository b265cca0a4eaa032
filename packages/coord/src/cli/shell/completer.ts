import type { CoordClient } from '../../client/client.js';
import { joinPath } from '../../util/paths.js';
import type { CommandSpec } from './spec.js';

type CompleterCallback = (err: null | Error, result: [string[], string]) => void;

const COMPLETION_TIMEOUT_MS = 2000;

/** Tab completion: command names for the first word, znode paths for a word that starts with `/`. */
export function createCompleter(client: CoordClient, commands: readonly CommandSpec[]): (line: string, callback: CompleterCallback) => void {
  const names = commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  return (line, callback) => {
    const lastSpace = line.lastIndexOf(' ');
    const partial = line.slice(lastSpace + 1);
    if (lastSpace < 0) {
      const hits = names.filter((n) => n.startsWith(partial));
      callback(null, [hits, partial]);
      return;
    }
    if (!partial.startsWith('/')) {
      callback(null, [[], partial]);
      return;
    }
    const slash = partial.lastIndexOf('/');
    const parent = slash === 0 ? '/' : partial.slice(0, slash);
    const prefix = partial.slice(slash + 1);
    // Through a promise chain, so that even a synchronous throw (a path the client rejects) just completes nothing.
    Promise.resolve(parent)
      .then((p) => client.getChildren(p, { timeoutMs: COMPLETION_TIMEOUT_MS }))
      .then(
        (children) => callback(null, [children.filter((c) => c.startsWith(prefix)).sort().map((c) => joinPath(parent, c)), partial]),
        () => callback(null, [[], partial]),
      );
  };
}
