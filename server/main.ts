/**
 * The FastAsyncio language server (bundled as dist/server.js). `node dist/server.js --stdio` for any
 * editor; the VS Code client may use `--node-ipc`. Only protocol goes to stdout: `console.*` is sent to
 * the client as log messages.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { describeError, type Logger } from './log';
import { startServer } from './server';

const TRANSPORTS = /^--(stdio|node-ipc|socket|pipe)(=|$)/;
if (!process.argv.slice(2).some((arg) => TRANSPORTS.test(arg))) process.argv.push('--stdio');

const connection = createConnection(ProposedFeatures.all);
const log: Logger = {
  info: (message) => connection.console.info(message),
  error: (message) => connection.console.error(message),
};

// Bad input never stops the server: whatever escapes a handler is logged and the server goes on.
process.on('uncaughtException', (error) => log.error(`uncaught: ${describeError(error)}`));
process.on('unhandledRejection', (error) => log.error(`unhandled rejection: ${describeError(error)}`));

startServer(connection, log);
