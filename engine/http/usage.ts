/** The `serve` command's usage line: apart from `serve.ts`, so the CLI's table needs no HTTP code to print it. */
export const SERVE_USAGE =
  'fastasyncio serve [config] [--host 127.0.0.1] [--port 8000] [--token TOKEN] [--max-active-runs 8] [--keep-runs 50] [--max-task-output SIZE] [--max-run-output SIZE] [--cors ORIGIN]';
