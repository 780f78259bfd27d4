"""The runner: serves the engine's protocol (``engine/run/python/protocol.ts``) over the channel.

One event loop runs every execution (``execute``) and job handler (``handler``) in an asyncio task of
its own; ``async def execute`` runs on the loop, a plain ``def execute`` in the default thread pool.
Messages are dispatched on the loop, so a ``ping`` answered means the loop is not blocked.
"""

import asyncio
import concurrent.futures
import inspect
import logging
import os
import platform
import signal
import socket
import sys
import threading
import time
import traceback

import fastasyncio

from ._bases import _run_generic
from ._calls import call_fitting, call_shape
from ._channel import Channel
from ._context import JobContext, TaskContext, current_id, current_job
from ._errors import error_info, plain_error
from ._loader import Loader
from ._output import ChannelHandler, LineWriter
from ._results import json_problem

#: Threads for sync tasks. The engine already bounds how many tasks run at once; this only must not.
MAX_THREADS = 128

#: Exit status when FASTASYNCIO_DEBUGPY is set and debugpy cannot be imported (``NO_DEBUGPY_EXIT_CODE``
#: in ``engine/run/python/protocol.ts``, which words the message with the interpreter's path).
NO_DEBUGPY_EXIT_CODE = 4
#: Exit status when debugpy could not listen (``DEBUGPY_FAILED_EXIT_CODE``); the last line on stderr says why.
DEBUGPY_FAILED_EXIT_CODE = 5


class _Running:
    """An execution or a handler in progress."""

    __slots__ = ('id', 'task', 'ctx', 'started', 'cancel_requested')

    def __init__(self, id):
        self.id = id
        self.task = None
        self.ctx = None
        self.started = False
        self.cancel_requested = False


def _is_id(value):
    return type(value) is int


class Runner:
    """The protocol's Python side: dispatches the engine's messages on the loop and answers them."""

    def __init__(self, loop, sock, root, real_stderr):
        self._loop = loop
        self._real_stderr = real_stderr
        self._report_lock = threading.Lock()
        self._channel = Channel(sock, loop, self._dispatch, self.report)
        self._loader = Loader(root)
        self._running = {}  # id -> _Running
        self._shapes = {}  # task class -> (how many positional arguments execute takes, is it async)
        self._summaries = {}  # handler id -> future of its summary
        self._closing = False
        self._writers = ()
        self._handlers = {
            'load': self._on_load,
            'execute': self._on_execute,
            'handler': self._on_handler,
            'summary': self._on_summary,
            'cancel': self._on_cancel,
            'ping': self._on_ping,
            'shutdown': self._on_shutdown,
        }

    # --- Start-up and reporting -------------------------------------------------------------------

    def install_output(self):
        """Replaces sys.stdout and sys.stderr, and gives the root logger its one handler."""
        sys.stdout = LineWriter('stdout', sys.__stdout__, self._emit_line)
        sys.stderr = LineWriter('stderr', sys.__stderr__, self._emit_line)
        self._writers = (sys.stdout, sys.stderr)
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        # With a handler on the root logger, a basicConfig() in user code changes nothing (intended).
        root.addHandler(ChannelHandler(self._emit_record, self.report))
        root.setLevel(logging.INFO)

    def _emit_line(self, id, line, stream):
        self._channel.send({'type': 'log', 'id': id, 'message': line, 'stream': stream})

    def _emit_record(self, id, message, level):
        self._channel.send({'type': 'log', 'id': id, 'message': message, 'level': level})

    def debugging(self, host, port):
        """Says where debugpy listens, at once: the runner is about to wait for a debugger."""
        self._channel.send({'type': 'debugging', 'host': host, 'port': port})
        self._channel.flush()

    def start(self):
        self._channel.send({'type': 'ready', 'version': platform.python_version(), 'executable': sys.executable, 'pid': os.getpid()})
        self._channel.flush()
        self._channel.start()

    def report(self, text, with_traceback=False):
        """A problem of the runner itself (not of a task): to the real stderr, which the engine reads."""
        if with_traceback:
            text += '\n' + traceback.format_exc().rstrip('\n')
        with self._report_lock:
            try:
                self._real_stderr.write('fastasyncio runner: %s\n' % text)
                self._real_stderr.flush()
            except Exception:
                pass

    def loop_exception(self, loop, context):
        exception = context.get('exception')
        text = context.get('message') or 'unhandled exception in the event loop'
        if exception is not None:
            text += '\n' + ''.join(traceback.format_exception(type(exception), exception, exception.__traceback__)).rstrip('\n')
        self.report(text)

    # --- Dispatch ---------------------------------------------------------------------------------

    def _dispatch(self, messages):
        for message in messages:
            handle = self._handlers.get(message['type'])
            if handle is None:
                self.report('ignored a message of unknown type %r' % message['type'])
                continue
            try:
                handle(message)
            except Exception:
                self.report('failed to handle a %r message' % message['type'], True)

    def _malformed(self, message, why):
        self.report('ignored a malformed %r message (%s): %.200r' % (message.get('type'), why, message))

    def _on_load(self, message):
        module = message.get('module')
        if not isinstance(module, str):
            return self._malformed(message, 'module must be a string')
        try:
            self._loader.module(module)
        except BaseException:
            pass  # kept by the loader, reported when the module is used

    def _on_execute(self, message):
        id, request = message.get('id'), message.get('task')
        if not _is_id(id) or not isinstance(request, dict):
            return self._malformed(message, 'id must be an integer and task an object')
        if not isinstance(request.get('module'), str) or not isinstance(request.get('className'), str):
            return self._malformed(message, 'task.module and task.className must be strings')
        self._start(id, self._execute, request)

    def _on_handler(self, message):
        id = message.get('id')
        if not _is_id(id) or not isinstance(message.get('module'), str) or not isinstance(message.get('className'), str):
            return self._malformed(message, 'id must be an integer, module and className strings')
        self._start(id, self._handle, message)

    def _start(self, id, work, argument):
        if id in self._running:
            return self.report('ignored a second execution with id %d (one is running)' % id)
        if self._closing:
            return self._channel.send({'type': 'error', 'id': id, 'error': plain_error('RuntimeError', 'the Python runner is shutting down')})
        running = self._running[id] = _Running(id)
        running.task = self._loop.create_task(self._serve(running, work, argument))

    def _on_summary(self, message):
        id, summary = message.get('id'), message.get('summary')
        if not _is_id(id) or not isinstance(summary, dict) or not isinstance(summary.get('results', {}), dict):
            return self._malformed(message, 'id must be an integer and summary an object with results')
        future = self._summaries.pop(id, None)
        if future is not None and not future.done():  # else the handler ended meanwhile
            future.set_result(summary)

    def _on_cancel(self, message):
        id = message.get('id')
        if not _is_id(id):
            return self._malformed(message, 'id must be an integer')
        running = self._running.get(id)
        if running is not None:  # else it has just ended: its reply is on its way
            self._cancel(running)

    def _cancel(self, running):
        running.cancel_requested = True
        if running.ctx is not None:
            running.ctx._cancel()
        running.task.cancel()
        if not running.started:
            # Cancelled before its first step, the coroutine never runs: answer for it.
            del self._running[running.id]
            self._channel.send({'type': 'cancelled', 'id': running.id})

    def _on_ping(self, message):
        id = message.get('id')
        if not _is_id(id):
            return self._malformed(message, 'id must be an integer')
        self._channel.send({'type': 'pong', 'id': id})

    def _on_shutdown(self, message):
        if not self._closing:
            self._closing = True
            self._loop.create_task(self._shutdown())

    async def _shutdown(self):
        running = list(self._running.values())
        for each in running:
            self._cancel(each)
        tasks = [each.task for each in running if each.started]
        if tasks:
            await asyncio.wait(tasks)  # their CancelledError handlers and finally blocks run
        for writer in self._writers:
            writer.flush_all()
        self._channel.flush()
        for stream in (sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(0)  # not sys.exit: threads of sync tasks may still run, and would be waited for

    # --- Executions and handlers ------------------------------------------------------------------

    async def _serve(self, running, work, argument):
        """Runs ``work`` as execution ``running.id`` and replies with its outcome."""
        running.started = True
        id = running.id
        current_id.set(id)  # this task's own context: copied into to_thread and child tasks
        try:
            try:
                result = await work(running, argument)
            except asyncio.CancelledError as e:
                reply = {'type': 'cancelled', 'id': id} if running.cancel_requested else self._error(id, e)
            except BaseException as e:  # SystemExit and KeyboardInterrupt from a task fail the task
                reply = self._error(id, e)
            else:
                problem = json_problem(result)
                if problem is None:
                    reply = {'type': 'result', 'id': id, 'result': result}
                else:
                    # An execution is named by its task's id, a handler by its class.
                    what = (argument.get('task') or argument['className']) if work == self._execute else '%s.run()' % argument['className']
                    reply = {'type': 'error', 'id': id, 'error': plain_error('TypeError', 'the result of %s is not JSON-serialisable: %s' % (what, problem))}
            for writer in self._writers:
                writer.flush_id(id)
            self._channel.send(reply)
        except BaseException as e:  # a bug of the runner: say so, and still answer
            self.report('execution %d failed in the runner' % id, True)
            self._channel.send(self._error(id, e))
        finally:
            self._running.pop(id, None)
            self._summaries.pop(id, None)

    def _error(self, id, exception):
        return {'type': 'error', 'id': id, 'error': error_info(exception)}

    async def _execute(self, running, request):
        cls = self._loader.get_class(request['module'], request['className'])
        instance = cls()
        execute = getattr(instance, 'execute', None)
        if execute is None:
            raise AttributeError('%s has no execute() method' % request['className'])
        shape = self._shapes.get(cls)
        if shape is None:
            shape = self._shapes[cls] = call_shape(execute)
        capacity, is_async = shape
        data = request.get('input')
        if capacity >= 2:
            ctx = running.ctx = TaskContext(request.get('job', ''), request.get('task', ''), request.get('runId', ''), request.get('params'), request.get('attempt', 1))
            ctx._emit = self._log_for(running.id)
            args = (data, ctx)
        else:
            args = (data,)[:capacity]
        if is_async:
            result = await execute(*args)
        else:
            result = await asyncio.to_thread(execute, *args)
        if result is not None and inspect.isawaitable(result):
            result = await result
        return result

    async def _handle(self, running, message):
        ctx = running.ctx = JobContext(message.get('job', ''), message.get('runId', ''), message.get('resumed') is True)
        ctx._emit = self._log_for(running.id)
        ctx._request_summary = lambda: self._request_summary(running.id)
        current_job.set(ctx)
        cls = self._loader.get_class(message['module'], message['className'])
        handler = cls()
        run = getattr(handler, 'run', None)
        outcome = _run_generic(handler, ctx) if run is None else call_fitting(run, ctx)
        if inspect.isawaitable(outcome):
            outcome = await outcome
        return outcome

    def _request_summary(self, id):
        future = self._summaries[id] = self._loop.create_future()
        self._channel.send({'type': 'run-tasks', 'id': id})
        return future

    def _log_for(self, id):
        """A context's ``log()``: attributed to its execution whatever thread calls it."""
        emit = self._emit_record
        return lambda message: emit(id, message, 'info')


def _channel_socket():
    value = os.environ.get('FASTASYNCIO_CHANNEL_FD', '3')
    try:
        fd = int(value)
        sock = socket.socket(fileno=fd)
    except (ValueError, OSError) as e:
        sys.stderr.write('fastasyncio runner: FASTASYNCIO_CHANNEL_FD=%s is not a socket: %s\n' % (value, e))
        sys.exit(2)
    sock.set_inheritable(False)  # processes a task starts must not hold the engine's channel open
    sock.setblocking(True)
    return sock


def _set_path():
    """The project's folders (FASTASYNCIO_PATH) first; the runner's own folder (sys.path[0]) last, so
    that nothing beside the package (its tests) shadows a project module."""
    own = os.path.dirname(os.path.dirname(os.path.abspath(fastasyncio.__file__)))
    rest = [entry for entry in sys.path if not (isinstance(entry, str) and os.path.abspath(entry or os.curdir) == own)]
    project = [entry for entry in os.environ.get('FASTASYNCIO_PATH', '').split(os.pathsep) if entry]
    sys.path[:] = project + rest + [own]


def _wait_for_debugger(runner, address):
    """FASTASYNCIO_DEBUGPY=HOST:PORT: listens there with debugpy (port 0: a free one), says where, and
    waits for a debugger to attach before anything runs."""
    host, _, port = address.rpartition(':')
    try:
        try:
            import debugpy
        except ModuleNotFoundError as e:
            # The interpreter has none: the copy the editor gave (FASTASYNCIO_DEBUGPY_PATH), if any.
            bundled = os.environ.get('FASTASYNCIO_DEBUGPY_PATH')
            if e.name != 'debugpy' or not bundled:
                raise
            # The package's folder, or the folder that holds it.
            if os.path.basename(os.path.normpath(bundled)) == 'debugpy':
                bundled = os.path.dirname(os.path.normpath(bundled))
            sys.path.append(bundled)
            import debugpy
    except ModuleNotFoundError as e:
        if e.name != 'debugpy':
            raise
        sys.exit(NO_DEBUGPY_EXIT_CODE)
    try:
        host, port = debugpy.listen((host.strip('[]') or '127.0.0.1', int(port)))
    except Exception as e:
        runner.report('debugpy could not listen on %s: %s' % (address, e))
        sys.exit(DEBUGPY_FAILED_EXIT_CODE)
    runner.debugging(host, port)
    debugpy.wait_for_client()


def _ignore_signal(signum, frame):
    pass


def _watch_parent():
    """Exits when re-parented: the engine died without closing the channel (it normally closes)."""
    parent = os.getppid()
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def main():
    sock = _channel_socket()
    root = os.path.abspath(os.environ.get('FASTASYNCIO_ROOT') or os.getcwd())
    _set_path()
    # Cancelling is a message: Ctrl-C in the engine's terminal must not interrupt the runner. A no-op
    # handler rather than SIG_IGN, which processes that tasks start would inherit.
    signal.signal(signal.SIGINT, _ignore_signal)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=MAX_THREADS, thread_name_prefix='fastasyncio-task'))
    runner = Runner(loop, sock, root, sys.__stderr__)
    loop.set_exception_handler(runner.loop_exception)
    threading.Thread(target=_watch_parent, name='fastasyncio-parent', daemon=True).start()
    if os.environ.get('FASTASYNCIO_DEBUGPY'):
        _wait_for_debugger(runner, os.environ['FASTASYNCIO_DEBUGPY'])
    runner.install_output()
    loop.call_soon(runner.start)
    loop.run_forever()
