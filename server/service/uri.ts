import { fileURLToPath, pathToFileURL } from 'node:url';

/** The `file:` URI of an absolute path. */
export function pathToUri(file: string): string {
  return pathToFileURL(file).href;
}

/** The absolute path of a `file:` URI, or `undefined` for any other scheme. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
