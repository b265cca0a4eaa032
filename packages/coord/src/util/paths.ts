import { BadArgumentsError } from '../errors/errors.js';

/**
 * ZooKeeper's path rules (PathUtils.validatePath): absolute, no trailing slash except the root,
 * no empty, "." or ".." segments, no NUL and none of the reserved or control characters.
 * A sequential create may end in "/" because the server appends the counter.
 */
export function pathProblem(path: string, sequential = false): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return 'path must not be empty';
  if (path[0] !== '/') return 'path must start with /';
  const checked = sequential ? `${path}1` : path;
  if (checked.length === 1) return undefined;
  if (checked.endsWith('/')) return 'path must not end with /';
  const segments = checked.split('/');
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i];
    if (s === '') return `empty segment at position ${i}`;
    if (s === '.' || s === '..') return `relative segment "${s}" is not allowed`;
  }
  for (let i = 0; i < checked.length; i++) {
    const c = checked.charCodeAt(i);
    if (c === 0) return `null character at index ${i}`;
    if ((c > 0x00 && c <= 0x1f) || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || (c >= 0xfff0 && c <= 0xffff)) {
      return `invalid character \\u${c.toString(16).padStart(4, '0')} at index ${i}`;
    }
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
