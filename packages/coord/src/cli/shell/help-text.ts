import type { CommandSpec } from './spec.js';
import { usageLine } from './syntax.js';

export const DEFAULT_SERVER = '127.0.0.1:2181';
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The text after the option list in `coord shell --help`. */
export function shellHelpText(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => usageLine(c).length));
  const list = commands
    .map((c) => `  ${usageLine(c).padEnd(width)}  ${c.summary}${c.aliases === undefined ? '' : ` (also: ${c.aliases.join(', ')})`}`)
    .join('\n');
  return `
Modes:
  interactive   stdin is a terminal (or -i): a prompt [coord: host:port(CONNECTED) N] with line
                editing, history (~/.coord_history, or $COORD_HISTORY; empty disables it) and Tab
                completion of commands and paths. Errors are printed and the shell goes on.
  script        stdin is not a terminal: commands are read one per line; blank lines and lines
                starting with # are skipped; nothing is echoed but the commands' output. Every line
                runs, even after a failure, unless --stop-on-error.
  one command   -c "command": runs it and exits.

Output: results go to stdout in zkCli's shapes (Stat as "cZxid = 0x...", ACLs as 'scheme,'id / : perms,
lists as [a, b], watch events as WATCHER:: and "WatchedEvent state:SyncConnected type:... path:...").
Errors go to stderr, one line each, with the path and ZooKeeper's code name, e.g.
"Node does not exist: /x (NONODE)"; in scripts prefixed with "line N: ". Connection changes
(disconnected, reconnected, expired) go to stderr too.

Exit status:
  0    every command succeeded (interactive mode: always 0 on quit, exit or Ctrl+D)
  1    a command failed (a script exits 1 after its last line if any line failed; with
       --stop-on-error at the first failure), or the command line was invalid
  2    the shell could not start: no connection within --timeout, or Apache ZooKeeper did not start
  130  interrupted (SIGINT; 143 for SIGTERM; 141 when stdout is closed early, as with | head)

Commands (help inside the shell explains each flag):
${list}

Arguments: "a b" or 'a b' keeps spaces in one argument; flags may come before or after the path;
-- ends the flags (set /n -- -x stores "-x").
ACLs (create, setAcl) are zkCli's comma-separated scheme:id:perms, perms from the letters crwda:
  world:anyone:cdrwa   auth::cdrwa (whoever this session authenticated as)   ip:127.0.0.1:r
  digest:user:base64(sha1(user:password)):cdrwa   (authenticate with: addauth digest user:password)

Examples:
  coord shell --server zk1:2181,zk2:2181/app
  coord shell -c "get -s /config"
  printf 'create /app ""\\ncreate /app/ready 1\\n' | coord shell --stop-on-error
  coord shell --start-apache          # a throw-away Apache ZooKeeper, stopped on exit
`;
}
