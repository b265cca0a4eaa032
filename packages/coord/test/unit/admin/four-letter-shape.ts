/**
 * Normalises four-letter-word output to its shape, so coord's answers can be compared with Apache
 * ZooKeeper's: versions, addresses, session ids, dates and numbers become placeholders.
 */
export function lineShape(line: string): string {
  return line
    .replace(/^(Zookeeper version: |zk_version\t|zookeeper\.version=).*$/, '$1V')
    .replace(/\/[0-9a-f.:]+:\d+/g, 'ADDR')
    // cons: the last op is a value ("NA" before any request), and lcxid is printed only once known.
    .replace(/lop=\w+/, 'lop=OP')
    .replace(/,lcxid=0x[0-9a-f]+/, '')
    .replace(/0x[0-9a-f]+/g, '0xH')
    .replace(/[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d [A-Z]+ \d{4}/g, 'DATE')
    .replace(/-?\d+(\.\d+)?(E-?\d+)?/g, 'N');
}

export function shapeLines(text: string): string[] {
  return text.split('\n').map(lineShape);
}

/** Keys of `key<sep>value` lines, in order. */
export function keysOf(text: string, separator: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.includes(separator))
    .map((l) => l.slice(0, l.indexOf(separator)));
}

/** Distinct line shapes in order of first appearance. */
export function distinctShapes(text: string): string[] {
  return [...new Set(shapeLines(text))];
}
