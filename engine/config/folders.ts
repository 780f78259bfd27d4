import * as path from 'node:path';

/**
 * Whether `file` is `dir` or inside it, by their paths (`..foo` is a name inside, `../foo` is not).
 * Symbolic links are not resolved here: a caller that must not be led out by one (the loader, the
 * server's reads) passes real paths. The one such predicate of the engine and the server.
 */
export function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
