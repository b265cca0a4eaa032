import { BadArgumentsError } from '../errors/errors.js';

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * ZooKeeper's path rules (PathUtils.validatePath): absolute, no trailing slash except the root,
 * no empty, "." or ".." segments, no NUL and none of the reserved or control characters.
 * A sequential create may end in "/" because the server appends the counter.
 */
export function pathProblem(path: string, sequential = false): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return 'path must not be empty';
  if (path.charCodeAt(0) !== SLASH) return 'path must start with /';
  const n = path.length;
  // A sequential path is checked as if the server had already appended a digit ("/a/" as "/a/1"),
  // so its last segment is never empty or relative and a trailing slash is fine.
  if (!sequential) {
    if (n === 1) return undefined;
    if (path.charCodeAt(n - 1) === SLASH) return 'path must not end with /';
  }
  // One pass, no split. A bad segment is reported before any bad character, wherever each is.
  let badCharAt = -1;
  let segment = 1;
  let segmentStart = 1;
  for (let i = 1; i < n; i++) {
    const c = path.charCodeAt(i);
    if (c > 0x1f && c < 0x7f) {
      // Printable ASCII, nearly every character of nearly every path.
      if (c !== SLASH) continue;
      const length = i - segmentStart;
      if (length <= 2) {
        const problem = segmentProblem(path, segmentStart, i, segment);
        if (problem !== undefined) return problem;
      }
      segment++;
      segmentStart = i + 1;
    } else if (badCharAt < 0 && (c <= 0x9f || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0)) {
      // Control characters (C0, DEL, C1), surrogates and the private use area, the specials block.
      badCharAt = i;
    }
  }
  if (!sequential) {
    const problem = segmentProblem(path, segmentStart, n, segment);
    if (problem !== undefined) return problem;
  }
  if (badCharAt < 0) return undefined;
  const c = path.charCodeAt(badCharAt);
  return c === 0 ? `null character at index ${badCharAt}` : `invalid character \\u${c.toString(16).padStart(4, '0')} at index ${badCharAt}`;
}

/** The problem with segment number `segment`, path[start, end), if it is empty, "." or "..". */
function segmentProblem(path: string, start: number, end: number, segment: number): string | undefined {
  const length = end - start;
  if (length === 0) return `empty segment at position ${segment}`;
  if (length <= 2 && path.charCodeAt(start) === DOT && (length === 1 || path.charCodeAt(start + 1) === DOT)) {
    return `relative segment "${path.slice(start, end)}" is not allowed`;
  }
  return undefined;
}

export function validatePath(path: string, sequential = false): string {
  const problem = pathProblem(path, sequential);
  if (problem !== undefined) throw new BadArgumentsError({ path, message: `invalid path ${JSON.stringify(path)}: ${problem}` });
  return path;
}

/** Client path → server path under a chroot ("/app" + "/x" = "/app/x"; "/app" + "/" = "/app"). */
export function addChroot(chroot: string | undefined, path: string): string {
  if (chroot === undefined) return path;
  return path === '/' ? chroot : chroot + path;
}

/** Server path → client path; paths outside the chroot are returned unchanged. */
export function stripChroot(chroot: string | undefined, serverPath: string): string {
  if (chroot === undefined) return serverPath;
  if (serverPath === chroot) return '/';
  if (serverPath.startsWith(chroot + '/')) return serverPath.slice(chroot.length);
  return serverPath;
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function joinPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}
