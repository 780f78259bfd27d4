import { type CancellationToken, ResponseError } from 'vscode-languageserver/node';
import { describeError, type Logger } from './log';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Wraps a request handler: it lets pending messages (a `$/cancelRequest`, a newer edit) arrive first,
 * answers `neutral` to a request cancelled before or while it ran, and logs and answers `neutral` when
 * the handler throws. A `ResponseError` (a refusal meant for the user, such as a bad new name) passes.
 */
export function guard<P, R>(log: Logger, name: string, neutral: R, handler: (params: P, token: CancellationToken) => R) {
  return async (params: P, token: CancellationToken): Promise<R> => {
    await nextTurn();
    if (token.isCancellationRequested) return neutral;
    try {
      const result = handler(params, token);
      return token.isCancellationRequested ? neutral : result;
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      log.error(`${name} failed: ${describeError(error)}`);
      return neutral;
    }
  };
}

/** Wraps a notification handler: what it throws is logged, and the server goes on. */
export function guardNotification<A extends unknown[]>(log: Logger, name: string, handler: (...args: A) => void) {
  return (...args: A): void => {
    try {
      handler(...args);
    } catch (error) {
      log.error(`${name} failed: ${describeError(error)}`);
    }
  };
}
