import { readdirSync, readFileSync } from 'node:fs';

/**
 * Open and maximum file descriptors of this process, as ZooKeeper reads them from the
 * UnixOperatingSystemMXBean (mntr's zk_open_file_descriptor_count / zk_max_file_descriptor_count).
 * Undefined where /proc is not available.
 */
export function fileDescriptors(): { open: number; max: number } | undefined {
  try {
    const open = readdirSync('/proc/self/fd').length;
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    return { open, max: soft === undefined || soft === 'unlimited' ? -1 : Number(soft) };
  } catch {
    return undefined;
  }
}
