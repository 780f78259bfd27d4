"""print() and logging become log messages attributed to the execution that wrote them."""

from .harness import RunnerTestCase


class OutputTest(RunnerTestCase):
    FILES = {
        'src/job/task/printer.py': '''
            import asyncio
            import logging
            import sys
            import threading

            print("printed at import")


            class Printer:
                async def execute(self, input_data, ctx):
                    name = ctx.params["name"]
                    for i in range(2):
                        print(name, "line", i)
                        await asyncio.sleep(0)  # let the other printer in
                    sys.stdout.write(name + " half")
                    await asyncio.sleep(0)  # a partial line outlives a switch to the other task
                    sys.stdout.write(" and half\\r\\n")
                    print(name, "to stderr", file=sys.stderr)
                    logging.basicConfig(level=logging.DEBUG)  # changes nothing: the root has a handler
                    logging.getLogger("user").warning("%s warned", name)
                    logging.debug("%s debug is below the root level", name)
                    ctx.logger.info("%s via ctx.logger", name)
                    ctx.log(name + " via ctx.log")
                    try:
                        1 / 0
                    except ZeroDivisionError:
                        logging.exception("%s failed", name)
                    logging.log(45, "%s custom level", name)
                    print(name, "unterminated", end="")
                    return name


            class SyncPrinter:
                def execute(self, input_data, ctx):
                    print("from the task's thread")
                    ctx.log("ctx.log from the task's thread")
                    # A thread the task starts runs outside its context: its output is nobody's.
                    thread = threading.Thread(target=print, args=("from an orphan thread",))
                    thread.start()
                    thread.join()
                    return threading.current_thread() is threading.main_thread()


            class Long:
                def execute(self, input_data):
                    print("x" * 70000)
                    sys.stdout.write("y" * 65536)
                    sys.stdout.write("z")


            class Native:
                def execute(self, input_data):
                    import os

                    os.write(sys.stdout.fileno(), b"native stdout\\n")
                    os.write(sys.stderr.fileno(), b"native stderr\\n")
                    return [sys.stdout.fileno(), sys.stderr.fileno()]
            ''',
    }

    def lines(self, id):
        return [(m['message'], m.get('stream') or m.get('level')) for m in self.runner.logs(id)]

    def test_two_tasks_printing_at_once_each_get_their_own_lines_streams_and_levels(self):
        r = self.runner
        r.execute(1, 'src/job/task/printer.py', 'Printer', params={'name': 'a'})
        r.execute(2, 'src/job/task/printer.py', 'Printer', params={'name': 'b'})
        self.assertEqual(r.result(1), 'a')
        self.assertEqual(r.result(2), 'b')
        for id, name in ((1, 'a'), (2, 'b')):
            lines = self.lines(id)
            failure = lines.pop(7)  # logging.exception: the message, then the formatted exception
            self.assertTrue(failure[0].startswith(name + ' failed\nTraceback (most recent call last):'), failure)
            self.assertTrue(failure[0].endswith('ZeroDivisionError: division by zero'), failure)
            self.assertEqual(failure[1], 'error')
            self.assertEqual(
                lines,
                [
                    (name + ' line 0', 'stdout'),
                    (name + ' line 1', 'stdout'),
                    (name + ' half and half', 'stdout'),  # the CR of CRLF dropped
                    (name + ' to stderr', 'stderr'),
                    (name + ' warned', 'warning'),
                    (name + ' via ctx.logger', 'info'),
                    (name + ' via ctx.log', 'info'),
                    (name + ' custom level', 'error'),  # level 45 falls into error
                    (name + ' unterminated', 'stdout'),  # flushed when the task ended, before its result
                ],
            )
            self.assertLess(r.index(r.logs(id)[-1]), r.index(r.reply(id)))
        self.assertEqual(r.logs(None), [{'type': 'log', 'id': None, 'message': 'printed at import', 'stream': 'stdout'}])
        self.assertEqual(r.output('stderr'), '')

    def test_a_sync_task_is_attributed_in_its_thread_and_threads_it_starts_are_not(self):
        r = self.runner
        r.execute(1, 'src/job/task/printer.py', 'SyncPrinter')
        self.assertIs(r.result(1), False)
        self.assertEqual(self.lines(1), [("from the task's thread", 'stdout'), ("ctx.log from the task's thread", 'info')])
        self.assertIn({'type': 'log', 'id': None, 'message': 'from an orphan thread', 'stream': 'stdout'}, r.logs(None))

    def test_long_lines_are_sent_in_pieces_of_64_kib(self):
        r = self.runner
        r.execute(1, 'src/job/task/printer.py', 'Long')
        self.assertIsNone(r.result(1))
        self.assertEqual([len(m) for m, _ in self.lines(1)], [65536, 70000 - 65536, 65536, 1])

    def test_native_writes_go_to_the_real_descriptors(self):
        r = self.runner
        r.execute(1, 'src/job/task/printer.py', 'Native')
        self.assertEqual(r.result(1), [1, 2])
        self.assertEqual(self.lines(1), [])
        r.send({'type': 'shutdown'})
        self.assertEqual(r.exit_code(), 0)
        r.close()
        self.assertEqual(r.output('stdout'), 'native stdout\n')
        self.assertEqual(r.output('stderr'), 'native stderr\n')
