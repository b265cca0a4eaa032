import os from 'node:os';
import { dirname } from 'node:path';
import v8 from 'node:v8';

/**
 * `envi` (Environment.list): ZooKeeper's keys, so parsers find every line they expect, with this
 * process's values. The java.* keys describe the runtime, here Node.js.
 */
export function environment(version: string): [string, string][] {
  const mb = (bytes: number) => `${Math.floor(bytes / (1024 * 1024))}MB`;
  const memory = process.memoryUsage();
  const user = safeUserInfo();
  return [
    ['zookeeper.version', version],
    ['host.name', os.hostname()],
    ['java.version', process.versions.node],
    ['java.vendor', 'Node.js'],
    ['java.home', dirname(dirname(process.execPath))],
    ['java.class.path', process.argv[1] ?? ''],
    ['java.library.path', process.env.LD_LIBRARY_PATH ?? ''],
    ['java.io.tmpdir', os.tmpdir()],
    ['java.compiler', '<NA>'],
    ['os.name', os.type()],
    ['os.arch', os.arch() === 'x64' ? 'amd64' : os.arch()],
    ['os.version', os.release()],
    ['user.name', user.username],
    ['user.home', user.homedir],
    ['user.dir', process.cwd()],
    ['os.memory.free', mb(memory.heapTotal - memory.heapUsed)],
    ['os.memory.max', mb(v8.getHeapStatistics().heap_size_limit)],
    ['os.memory.total', mb(memory.heapTotal)],
  ];
}

function safeUserInfo(): { username: string; homedir: string } {
  try {
    const info = os.userInfo();
    return { username: info.username, homedir: info.homedir };
  } catch {
    return { username: '', homedir: os.homedir() };
  }
}

/** `envi`. */
export function enviText(version: string): string {
  return `Environment:\n${environment(version).map(([k, v]) => `${k}=${v}\n`).join('')}`;
}
