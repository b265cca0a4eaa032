import type { CommandSpec } from './spec.js';
import { usageLine } from './syntax.js';

/** `help`: every command with its usage line (flags included) and what it does. */
export function formatHelp(commands: readonly CommandSpec[]): string[] {
  const lines = ['Commands (flags in brackets are optional; `help <command>` explains each flag):'];
  for (const c of commands) {
    const aliases = c.aliases === undefined || c.aliases.length === 0 ? '' : ` (also: ${c.aliases.join(', ')})`;
    lines.push(`\t${usageLine(c)}`, `\t\t${c.summary}${aliases}`);
  }
  lines.push('Quote data with spaces ("a b" or \'a b\'); `--` ends the flags, so `set /n -- -x` stores "-x".');
  return lines;
}

/** `help <command>`: usage, summary, each flag, notes. */
export function formatCommandHelp(command: CommandSpec): string[] {
  const lines = [`Usage: ${usageLine(command)}`, `  ${command.summary}`];
  for (const f of command.flags) lines.push(`  -${f.letter}${f.value === undefined ? '' : ` ${f.value}`}\t${f.description}`);
  for (const note of command.notes ?? []) lines.push(`  ${note}`);
  if (command.aliases !== undefined && command.aliases.length > 0) lines.push(`  Also available as: ${command.aliases.join(', ')}`);
  return lines;
}

/** Case-insensitive lookup by name or alias (zkCli is case-sensitive; `getacl` is harmless to accept). */
export function findCommand(commands: readonly CommandSpec[], name: string): CommandSpec | undefined {
  const wanted = name.toLowerCase();
  return commands.find((c) => c.name.toLowerCase() === wanted || (c.aliases ?? []).some((a) => a.toLowerCase() === wanted));
}
