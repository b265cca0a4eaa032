/**
 * Queue item names, as Curator spells them, and the order consumers take items in. Pure: the
 * current time is an argument.
 *
 * - FIFO:     `queue-<seq>`
 * - priority: `queue-<1|0><%08X priority><seq>` (1 for priority >= 0, so names sort by priority;
 *   a lower number is taken first)
 * - delay:    `queue-|<%08X epochMs>|<seq>` (visible once `epochMs` has passed)
 *
 * `<seq>` is ZooKeeper's ten-character `%010d` sequential suffix.
 */
export const ITEM_PREFIX = 'queue-';

export const QueueOrdering = { fifo: 'fifo', priority: 'priority', delay: 'delay' } as const;
export type QueueOrdering = (typeof QueueOrdering)[keyof typeof QueueOrdering];

const SEQ_LENGTH = 10;
const DELAY_SEPARATOR = '|';

/** Curator's priorityToString: a sign digit then the 32-bit two's complement in 8 hex digits. */
export function priorityToString(priority: number): string {
  if (!Number.isInteger(priority) || priority < -0x80000000 || priority > 0x7fffffff) {
    throw new RangeError(`priority must be a 32-bit integer, got ${priority}`);
  }
  const unsigned = priority >>> 0;
  return `${priority >= 0 ? '1' : '0'}${unsigned.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** Curator's epochToString: `|%08X|` (wider than 8 digits for any current epoch). */
export function epochToString(epochMs: number): string {
  if (!Number.isSafeInteger(epochMs) || epochMs < 0) throw new RangeError(`delay time must be a non-negative integer epoch ms, got ${epochMs}`);
  return `${DELAY_SEPARATOR}${epochMs.toString(16).toUpperCase().padStart(8, '0')}${DELAY_SEPARATOR}`;
}

/** The name handed to a PERSISTENT_SEQUENTIAL create (the server appends the sequence). */
export function fifoItemName(): string {
  return ITEM_PREFIX;
}

export function priorityItemName(priority: number): string {
  return `${ITEM_PREFIX}${priorityToString(priority)}`;
}

export function delayItemName(dueAtMs: number): string {
  return `${ITEM_PREFIX}${epochToString(dueAtMs)}`;
}

/** The sequence number at the end of a name, or NaN when it has none. */
export function itemSequence(name: string): number {
  if (name.length < ITEM_PREFIX.length + SEQ_LENGTH) return Number.NaN;
  const tail = name.slice(-SEQ_LENGTH);
  return /^-?\d+$/.test(tail) ? Number(tail) : Number.NaN;
}

/** The name without its sequence: what a requeue creates again. */
export function itemBaseName(name: string): string {
  return name.slice(0, -SEQ_LENGTH);
}

/** The priority encoded in a priority item's name, or undefined for a foreign name. */
export function priorityOf(name: string): number | undefined {
  const m = /^queue-([01])([0-9A-F]{8}).{10}$/.exec(name);
  if (m === null) return undefined;
  const unsigned = Number.parseInt(m[2] as string, 16);
  return m[1] === '1' ? unsigned : unsigned - 0x1_0000_0000;
}

/** The time a delay item becomes visible, or undefined for a foreign name. */
export function dueTimeOf(name: string): number | undefined {
  const m = /^queue-\|([0-9A-F]+)\|.{10}$/.exec(name);
  return m === null ? undefined : Number.parseInt(m[1] as string, 16);
}

function isItem(name: string, ordering: QueueOrdering): boolean {
  if (!name.startsWith(ITEM_PREFIX) || !Number.isInteger(itemSequence(name))) return false;
  switch (ordering) {
    case 'fifo':
      return name.length === ITEM_PREFIX.length + SEQ_LENGTH;
    case 'priority':
      return priorityOf(name) !== undefined;
    case 'delay':
      return dueTimeOf(name) !== undefined;
  }
}

/** The key an item sorts by, most significant first; the sequence breaks ties. */
function sortKey(name: string, ordering: QueueOrdering): number {
  switch (ordering) {
    case 'fifo':
      return 0;
    case 'priority':
      return priorityOf(name) ?? 0;
    case 'delay':
      return dueTimeOf(name) ?? 0;
  }
}

/** The item names among `children` in the order consumers take them; other names are ignored. */
export function sortItems(children: readonly string[], ordering: QueueOrdering): string[] {
  return children
    .filter((n) => isItem(n, ordering))
    .sort((a, b) => sortKey(a, ordering) - sortKey(b, ordering) || itemSequence(a) - itemSequence(b));
}

export interface Availability {
  /** Items a consumer may try now, in order. */
  readonly available: string[];
  /** Items that exist but are held by another consumer's lock (lock-safe mode). */
  readonly locked: number;
  /** For a delay queue: when the earliest hidden item becomes visible. */
  readonly nextDueMs: number | undefined;
}

/**
 * What a consumer can take now: the sorted items that are due (delay queues) and not locked
 * (lock-safe mode). A delay queue's items are sorted by due time, so the hidden ones are a suffix.
 */
export function availability(children: readonly string[], ordering: QueueOrdering, nowMs: number, locked: ReadonlySet<string> = new Set()): Availability {
  const sorted = sortItems(children, ordering);
  const available: string[] = [];
  let lockedCount = 0;
  let nextDueMs: number | undefined;
  for (const name of sorted) {
    if (ordering === 'delay') {
      const due = dueTimeOf(name) ?? 0;
      if (due > nowMs) {
        nextDueMs = nextDueMs === undefined ? due : Math.min(nextDueMs, due);
        continue;
      }
    }
    if (locked.has(name)) {
      lockedCount++;
      continue;
    }
    available.push(name);
  }
  return { available, locked: lockedCount, nextDueMs };
}
