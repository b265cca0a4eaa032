import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * The server's structured log (DESIGN.md rule 10): pino JSON lines on stdout by default, so log
 * shippers take it as is; `pretty` is for a human at a terminal. pino-pretty is not a dependency,
 * so the pretty form is a small formatter over the same JSON lines.
 */

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has; the pretty form shows them in its own layout, not as extras. */
const STANDARD_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name']);

/** `12:00:01.234 INFO  coord server listening on 0.0.0.0:2181 key=value ...` */
export function formatPretty(jsonLine: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const time = typeof record['time'] === 'number' ? new Date(record['time']).toISOString().slice(11, 23) : '';
  const level = (typeof record['level'] === 'number' ? LEVEL_NAMES[record['level']] : undefined) ?? String(record['level']);
  const extras = Object.entries(record)
    .filter(([k]) => !STANDARD_FIELDS.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${time} ${level.padEnd(5)} ${String(record['msg'] ?? '')}${extras.length > 0 ? ` ${extras.join(' ')}` : ''}\n`;
}

/**
 * A synchronous stdout destination: the last lines before exit (the stop message, a fatal
 * error) must not be lost in a buffer when the process exits.
 */
export function createServerLogger(format: LogFormat, level: LogLevel): Logger {
  const stdout = pino.destination({ dest: 1, sync: true });
  const destination: DestinationStream = format === 'json' ? stdout : { write: (line: string) => stdout.write(formatPretty(line)) };
  // The super digest is a password hash: never in the log, even at debug.
  return pino({ name: 'coord-server', level, redact: ['config.superDigest'] }, destination);
}
