import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Connection, ErrorCodes, type ExecuteCommandParams, ResponseError } from 'vscode-languageserver/node';
import { MODULE_EXTENSIONS } from '../engine/config/modules';
import { describeError, type Logger } from './log';
import type { Publisher } from './publisher';
import { changedUnseen } from './recheck';
import { uriToPath } from './service';
import { CREATE_MODULE_COMMAND, type CreateModuleArguments } from './service/create-module';
import type { Workspace } from './workspace';

/** The commands the server runs itself (its `executeCommandProvider`). */
export const SERVER_COMMANDS: readonly string[] = [CREATE_MODULE_COMMAND];

export interface CommandContext {
  connection: Connection;
  workspace: Workspace;
  publisher: Publisher;
  log: Logger;
  /** Whether the client opens a document when asked (`window/showDocument`). */
  showDocument: boolean;
}

/** Runs one of `SERVER_COMMANDS`. A refusal is a `ResponseError`, which the client shows. */
export function executeCommand(params: ExecuteCommandParams, ctx: CommandContext): null {
  if (params.command !== CREATE_MODULE_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
  createModule(params.arguments?.[0], ctx);
  return null;
}

function isCreateModuleArguments(value: unknown): value is CreateModuleArguments {
  const args = value as Partial<CreateModuleArguments> | null;
  return typeof args === 'object' && args !== null && typeof args.uri === 'string' && typeof args.text === 'string';
}

/**
 * Creates a task or handler module with its text unless it exists (never overwriting), inside the
 * workspace only; the configs that missed it are published again at once, watchers or not. Then the
 * client is asked to show it.
 */
function createModule(args: unknown, ctx: CommandContext): void {
  const file = isCreateModuleArguments(args) ? uriToPath(args.uri) : undefined;
  if (!isCreateModuleArguments(args) || !file) throw new ResponseError(ErrorCodes.InvalidParams, 'expected { uri, text } with a file: URI');
  const isModule = (MODULE_EXTENSIONS as readonly string[]).includes(path.extname(file));
  if (!isModule || !ctx.workspace.files.allowed(file)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `${file} is not a task or handler module inside the workspace`);
  }
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, args.text, { flag: 'wx' });
    changedUnseen(ctx.workspace, ctx.publisher, [file]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ResponseError(ErrorCodes.InternalError, `cannot create ${file}: ${(error as Error).message}`);
    }
  }
  if (ctx.showDocument) {
    ctx.connection.window
      .showDocument({ uri: args.uri, takeFocus: true })
      .catch((error: unknown) => ctx.log.error(`showing ${file} failed: ${describeError(error)}`));
  }
}
