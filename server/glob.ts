/**
 * Glob patterns as regular expressions over `/`-separated relative paths: `**` (any folders), `*` and
 * `?` (within one name), `{a,b}` (alternatives). Enough for config globs; no character classes.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$|()[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** One matcher for several globs. */
export function globMatcher(globs: readonly string[]): (relative: string) => boolean {
  const res = globs.filter((g) => g.trim() !== '').map((g) => globToRegExp(g.replace(/^\.\//, '')));
  return (relative) => res.some((re) => re.test(relative));
}
