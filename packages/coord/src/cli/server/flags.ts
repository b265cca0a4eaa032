import { Option } from 'commander';
import { KEYS, type ConfigSetting, type KeyName, type KeySpec } from '../../config/index.js';

/**
 * One command-line flag per zoo.cfg key, generated from the key table so none can be missed.
 * Flags take the same text as the file (`--force-sync no`, `--pre-alloc-size 65536` in KB) and
 * go through the same parser, so an error names the flag the way a file error names the line.
 * Commander gets no defaults: "not given" must stay distinguishable from "given the default".
 */

/** `server.N` lines from the command line: `--server 1=host:2888:3888` (repeatable). */
export const SERVER_FLAG = '--server';

export function keyOptions(): Option[] {
  const options = (Object.keys(KEYS) as KeyName[]).map((name) => {
    const spec: KeySpec<unknown> = KEYS[name];
    return new Option(`${spec.flag} ${spec.valueName}`, `${spec.description} (zoo.cfg: ${spec.key}; default: ${spec.defaultText})`);
  });
  const server = new Option(`${SERVER_FLAG} <id=spec>`, 'an ensemble member, repeatable: 1=host:2888:3888[:observer][;clientPort] (zoo.cfg: server.N; default: none = standalone)')
    .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return [...options, server];
}

/** Reads the key flags back out of commander's parsed options, as settings that override the file. */
export function flagSettings(opts: Readonly<Record<string, unknown>>, optionFor: (flag: string) => Option | undefined): ConfigSetting[] {
  const settings: ConfigSetting[] = [];
  for (const name of Object.keys(KEYS) as KeyName[]) {
    const spec: KeySpec<unknown> = KEYS[name];
    const option = optionFor(spec.flag);
    const value = option === undefined ? undefined : opts[option.attributeName()];
    if (typeof value === 'string') settings.push({ key: spec.key, value: value.trim(), source: { kind: 'flag', flag: spec.flag } });
  }
  const servers = optionFor(SERVER_FLAG);
  const serverValues = servers === undefined ? undefined : opts[servers.attributeName()];
  for (const entry of Array.isArray(serverValues) ? serverValues : []) {
    const text = String(entry);
    const eq = text.indexOf('=');
    // Without "=", the whole text is taken as the id so the parser reports a bad server line.
    const id = eq < 0 ? text : text.slice(0, eq);
    settings.push({ key: `server.${id.trim()}`, value: eq < 0 ? '' : text.slice(eq + 1).trim(), source: { kind: 'flag', flag: SERVER_FLAG } });
  }
  return settings;
}
