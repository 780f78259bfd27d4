"""The runner's life: pings, malformed messages, shutdown, the engine going away, the version check."""

import signal
import subprocess
import sys
import time

import fastasyncio_runner

from .harness import RUNNER, TIMEOUT, RunnerTestCase


class LifecycleTest(RunnerTestCase):
    FILES = {
        'src/job/task/lasting.py': '''
            import asyncio
            import time


            class Cleans:
                async def execute(self, input_data):
                    print("started")
                    try:
                        await asyncio.Event().wait()
                    finally:
                        await asyncio.sleep(0)
                        print("cleaned up")


            class Stubborn:
                def execute(self, input_data):
                    print("started")
                    time.sleep(60)  # ignores cancellation: its thread is left to the process's end
            ''',
    }

    def test_ping_is_answered_by_pong(self):
        self.runner.send({'type': 'ping', 'id': 1})
        self.assertEqual(self.runner.wait_type('pong', 1), {'type': 'pong', 'id': 1})

    def test_sigint_is_ignored_cancelling_is_a_message(self):
        r = self.runner
        r.execute(1, 'src/job/task/lasting.py', 'Cleans')
        r.log(1, 'started')
        r.process.send_signal(signal.SIGINT)
        r.send({'type': 'ping', 'id': 2})
        r.wait_type('pong', 2)
        self.assertIsNone(r.process.poll())
        r.send({'type': 'cancel', 'id': 1})
        self.assertEqual(r.reply(1)['type'], 'cancelled')

    def test_malformed_and_unknown_messages_are_reported_and_ignored(self):
        r = self.runner
        r.send_raw(b'not json\n\n[1, 2]\n')
        r.send({'type': 'bogus'}, {'type': 'execute', 'id': 'one'}, {'type': 'cancel'}, {'type': 'ping', 'id': 3})
        r.wait_type('pong', 3)
        for expected in ('not JSON', 'without a type', "unknown type 'bogus'", "malformed 'execute'", "malformed 'cancel'"):
            r.wait_output('stderr', expected)
        self.assertEqual([m['type'] for m in r.messages], ['ready', 'pong'])

    def test_shutdown_cancels_what_runs_waits_for_finally_blocks_and_exits_0(self):
        r = self.runner
        r.execute(1, 'src/job/task/lasting.py', 'Cleans')
        r.execute(2, 'src/job/task/lasting.py', 'Stubborn')
        r.log(1, 'started')
        r.log(2, 'started')
        started = time.monotonic()
        r.send({'type': 'shutdown'})
        self.assertEqual(r.exit_code(), 0)
        self.assertLess(time.monotonic() - started, TIMEOUT)
        self.assertEqual([m['message'] for m in r.logs(1)], ['started', 'cleaned up'])
        self.assertEqual(r.reply(1)['type'], 'cancelled')
        self.assertEqual(r.reply(2)['type'], 'cancelled')
        r.wait_type('<eof>')  # the runner closed the channel: nothing after the replies
        self.assertEqual(r.messages[-1], {'type': '<eof>'})

    def test_the_runner_exits_when_the_engine_closes_the_channel(self):
        r = self.runner
        r.execute(1, 'src/job/task/lasting.py', 'Stubborn')
        r.log(1, 'started')
        r.sock.shutdown(2)
        self.assertEqual(r.exit_code(), 0)

    def test_the_bootstrap_refuses_an_old_python_with_exit_status_3(self):
        self.assertIsNone(fastasyncio_runner.version_problem((3, 9, 0, 'final', 0), '/usr/bin/python3'))
        self.assertIsNone(fastasyncio_runner.version_problem((3, 13, 1), '/usr/bin/python3'))
        self.assertEqual(
            fastasyncio_runner.version_problem((2, 7, 18, 'final', 0), '/usr/bin/python2'),
            'fastasyncio needs Python 3.9 or later; /usr/bin/python2 is Python 2.7.18',
        )
        # The real entry point, under this interpreter pretending to be 3.8.
        pretend = "import runpy, sys; sys.version_info = (3, 8, 10, 'final', 0); runpy.run_path(sys.argv[1], run_name='__main__')"
        done = subprocess.run([sys.executable, '-c', pretend, RUNNER], capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(done.returncode, fastasyncio_runner.TOO_OLD_EXIT_CODE)
        self.assertEqual(done.stderr, 'fastasyncio needs Python 3.9 or later; %s is Python 3.8.10\n' % sys.executable)

    def test_a_channel_that_is_not_a_socket_is_an_error(self):
        done = subprocess.run([sys.executable, RUNNER], env={'FASTASYNCIO_CHANNEL_FD': '0'}, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(done.returncode, 2)
        self.assertIn('FASTASYNCIO_CHANNEL_FD=0 is not a socket', done.stderr)
