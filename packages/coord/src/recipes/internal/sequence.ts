/**
 * Sequential node names end in ZooKeeper's ten-character counter (`%010d`, a leading minus sign
 * once the counter wraps). Recipes order contenders by it, whatever prefix (protected or not)
 * comes before.
 */
export function sequenceOf(name: string): number {
  const tail = name.slice(-10);
  const n = Number(tail);
  return Number.isInteger(n) ? n : Number.NaN;
}

/** The names that end in a sequence after `marker`, sorted by that sequence. */
export function sortBySequence(names: readonly string[], marker: string): string[] {
  return names
    .filter((n) => n.includes(marker) && Number.isInteger(sequenceOf(n)))
    .sort((a, b) => sequenceOf(a) - sequenceOf(b));
}
