import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACCEPTED_EPOCH_FILE, CURRENT_EPOCH_FILE } from './file-names.js';
import { writeFileAtomic } from './fs-util.js';

/**
 * A quorum peer's acceptedEpoch and currentEpoch files (QuorumPeer.readLongFromFile /
 * writeLongToFile): the epoch as decimal text, replaced atomically, in the snapshot directory.
 */
export type EpochFile = typeof ACCEPTED_EPOCH_FILE | typeof CURRENT_EPOCH_FILE;

export async function readEpoch(dir: string, name: EpochFile): Promise<bigint | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) throw new Error(`${join(dir, name)} does not hold an epoch number: ${JSON.stringify(text.slice(0, 40))}`);
  return BigInt(trimmed);
}

export async function writeEpoch(dir: string, name: EpochFile, epoch: bigint): Promise<void> {
  await writeFileAtomic(dir, name, Buffer.from(epoch.toString(), 'utf8'), true);
}
