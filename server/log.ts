/** Where the server writes what it has to say: the client's output channel (`window/logMessage`), never stdout. */
export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

/** A one-line description of an unexpected error, with its stack. */
export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}
