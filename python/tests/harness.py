"""Drives the real runner as a subprocess, over a socket pair, in a temporary seed-style project."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(PYTHON_DIR, 'fastasyncio_runner.py')
PACKAGE_DIR = os.path.join(PYTHON_DIR, 'fastasyncio')
#: How long any one expected message may take: generous, since nothing waits this long when all is well.
TIMEOUT = 5.0

#: The seed's layout: its own BaseTask, a task importing it each of the three ways, and Job1Handler.
SEED_FILES = {
    'src/__init__.py': '',
    'src/job/__init__.py': '',
    'src/job/task/__init__.py': '',
    'src/job/task/base_task.py': '''
        from abc import ABC, abstractmethod


        class BaseTask(ABC):
            """Base class for all tasks."""

            @abstractmethod
            async def execute(self, input_data):
                pass
        ''',
    'src/job/task/task1.py': '''
        import asyncio

        from src.job.task.base_task import BaseTask


        class Task1(BaseTask):
            async def execute(self, input_data):
                await asyncio.sleep(0)
                return {"task": "Task1", "input": input_data}
        ''',
    'src/job/task/task2.py': '''
        import threading

        from job.task.base_task import BaseTask


        class Task2(BaseTask):
            def execute(self, input_data):
                return {"task": "Task2", "in_main_thread": threading.current_thread() is threading.main_thread()}
        ''',
    'src/job/task/task3.py': '''
        from .base_task import BaseTask


        class Task3(BaseTask):
            async def execute(self, input_data, ctx):
                return {
                    "task": ctx.task,
                    "job": ctx.job,
                    "run_id": ctx.run_id,
                    "params": ctx.params,
                    "attempt": ctx.attempt,
                    "logger": ctx.logger.name,
                    "cancelled": ctx.cancelled,
                }
        ''',
    # The seed keeps handlers in joborchrestrator/handler (sic), without __init__.py files here: a
    # namespace package.
    'src/joborchrestrator/handler/job1_handler.py': '''
        import logging

        from fastasyncio import GenericJobHandler


        class Job1Handler(GenericJobHandler):
            async def run(self, *args, **kwargs):
                logging.info(f"{self.__class__.__name__} is running")
                return await super().run(*args, **kwargs)
        ''',
}


def write_project(files):
    """A temporary project with the seed's files and ``files`` (path -> source, dedented); its root."""
    root = tempfile.mkdtemp(prefix='fastasyncio-test-')
    for path, text in {**SEED_FILES, **files}.items():
        full = os.path.join(root, *path.split('/'))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'w', encoding='utf-8') as f:
            f.write(textwrap.dedent(text).lstrip('\n'))
    return root


class Runner:
    """One runner process. Messages it sends are collected by a thread; ``wait`` blocks for one."""

    def __init__(self, root, env=None):
        self.root = root
        parent, child = socket.socketpair()
        environ = dict(os.environ)
        environ.update(
            FASTASYNCIO_CHANNEL_FD=str(child.fileno()),
            FASTASYNCIO_ROOT=root,
            FASTASYNCIO_PATH=os.pathsep.join([root, os.path.join(root, 'src')]),
        )
        environ.update(env or {})
        self.process = subprocess.Popen(
            [sys.executable, '-u', RUNNER],
            cwd=root,
            env=environ,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=[child.fileno()],
        )
        child.close()
        self.sock = parent
        self.messages = []
        self._changed = threading.Condition()
        self._out = {'stdout': [], 'stderr': []}
        self._threads = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._drain, args=(self.process.stdout, 'stdout'), daemon=True),
            threading.Thread(target=self._drain, args=(self.process.stderr, 'stderr'), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _read(self):
        buffer = b''
        while True:
            try:
                chunk = self.sock.recv(1 << 16)
            except OSError:
                chunk = b''
            with self._changed:
                if not chunk:
                    self.messages.append({'type': '<eof>'})
                    self._changed.notify_all()
                    return
                buffer += chunk
                *lines, buffer = buffer.split(b'\n')
                for line in lines:
                    try:
                        self.messages.append(json.loads(line))
                    except ValueError:  # a runner bug: keep it visible to the assertions
                        self.messages.append({'type': '<not json>', 'line': line})
                self._changed.notify_all()

    def _drain(self, pipe, name):
        for data in iter(lambda: pipe.read1(1 << 16), b''):
            with self._changed:
                self._out[name].append(data)
                self._changed.notify_all()
        pipe.close()

    def output(self, name):
        """What the process wrote to its real stdout or stderr so far."""
        with self._changed:
            return b''.join(self._out[name]).decode('utf-8', 'replace')

    def wait_output(self, name, text, timeout=TIMEOUT):
        """Waits until the process' real stdout or stderr (a pipe read by a thread) contains ``text``."""
        with self._changed:
            if not self._changed.wait_for(lambda: text in self.output(name), timeout):
                raise AssertionError('no %r on %s within %ss; it has: %s' % (text, name, timeout, self.output(name)))

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, *messages):
        """Sends messages (dicts) in one write."""
        self.send_raw(b''.join((json.dumps(m) + '\n').encode('utf-8') for m in messages))

    def execute(self, id, module, class_name, params=None, input=None, attempt=1, task=None, send=True):
        message = {
            'type': 'execute',
            'id': id,
            'task': {
                'runId': 'run-1',
                'job': 'job1',
                'task': task or class_name,
                'className': class_name,
                'module': self.path(module),
                'params': params or {},
                'attempt': attempt,
                'input': input or {},
            },
        }
        if send:
            self.send(message)
        return message

    def path(self, module):
        return os.path.join(self.root, *module.split('/'))

    def wait(self, predicate, timeout=TIMEOUT, what='a message'):
        """The first message (of all received) for which ``predicate`` is true, waiting for it."""
        with self._changed:
            found = self._changed.wait_for(lambda: next((m for m in self.messages if predicate(m)), None), timeout)
            if found is None:
                raise AssertionError('no %s within %ss; received %r; stderr: %s' % (what, timeout, self.messages, self.output('stderr')))
            return found

    def wait_type(self, type, id=None, timeout=TIMEOUT):
        return self.wait(lambda m: m['type'] == type and (id is None or m.get('id') == id), timeout, '%s %s' % (type, id))

    def reply(self, id, timeout=TIMEOUT):
        """The result, error or cancelled message of execution ``id``."""
        return self.wait(lambda m: m['type'] in ('result', 'error', 'cancelled') and m.get('id') == id, timeout, 'reply to %s' % id)

    def result(self, id):
        reply = self.reply(id)
        if reply['type'] != 'result':
            raise AssertionError('execution %s: expected a result, got %r' % (id, reply))
        return reply['result']

    def log(self, id, message):
        """Waits for the log line ``message`` of execution ``id``."""
        return self.wait(lambda m: m['type'] == 'log' and m['id'] == id and m['message'] == message, what='log %r of %s' % (message, id))

    def logs(self, id):
        with self._changed:
            return [m for m in self.messages if m['type'] == 'log' and m['id'] == id]

    def index(self, message):
        with self._changed:
            return next(i for i, m in enumerate(self.messages) if m is message)

    def exit_code(self, timeout=TIMEOUT):
        return self.process.wait(timeout)

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.sock.close()
        for thread in self._threads:
            thread.join(TIMEOUT)


class RunnerTestCase(unittest.TestCase):
    """One temporary project per test class (``FILES`` added to the seed's), one runner per test."""

    FILES = {}

    @classmethod
    def setUpClass(cls):
        cls.root = write_project(cls.FILES)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    def start_runner(self, env=None):
        runner = Runner(self.root, env)
        self.addCleanup(runner.close)
        self.ready = runner.wait_type('ready')
        return runner

    def setUp(self):
        self.runner = self.start_runner()
