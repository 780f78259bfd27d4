"""Failures: exceptions with a traceback that starts at user code, results that are not JSON, bad modules."""

import os

from .harness import PACKAGE_DIR, RunnerTestCase


class ErrorsTest(RunnerTestCase):
    FILES = {
        'src/job/task/failing.py': '''
            import asyncio
            import sys


            def check(value):
                raise ValueError("bad input: %r" % (value,))


            class Fails:
                async def execute(self, input_data):
                    await asyncio.sleep(0)
                    check(input_data)


            class FailsInThread:
                def execute(self, input_data):
                    check(input_data)


            class Silent:
                def execute(self, input_data):
                    raise KeyError


            class NotJson:
                async def execute(self, input_data):
                    return {"items": [1, 2, {3}]}


            class Exits:
                def execute(self, input_data):
                    sys.exit(4)


            def helper():
                pass
            ''',
        'src/job/task/broken.py': '''
            class Broken:
                def execute(self, input_data)
                    return 1
            ''',
        'src/job/task/raises_at_import.py': '''
            import json

            json.loads("{not json")
            ''',
    }

    def error(self, id):
        reply = self.runner.reply(id)
        self.assertEqual(reply['type'], 'error', reply)
        return reply['error']

    def assert_user_traceback(self, stack, lines):
        """The traceback starts at user code, names the user's file and lines, and shows no runner frame."""
        path = self.runner.path('src/job/task/failing.py')
        self.assertTrue(stack.startswith('Traceback (most recent call last):\n  File "%s", line %d, in execute\n' % (path, lines[0])), stack)
        self.assertIn('File "%s", line %d, in check\n' % (path, lines[1]), stack)
        self.assertNotIn(PACKAGE_DIR, stack)
        self.assertNotIn('concurrent' + os.sep, stack)
        self.assertNotIn('asyncio' + os.sep, stack)

    def test_an_exception_gives_its_type_message_and_the_users_traceback(self):
        r = self.runner
        r.execute(1, 'src/job/task/failing.py', 'Fails', input={'n': 1})
        r.execute(2, 'src/job/task/failing.py', 'FailsInThread', input={'n': 2})
        for id in (1, 2):
            error = self.error(id)
            self.assertEqual(error['type'], 'ValueError')
            self.assertEqual(error['message'], "ValueError: bad input: {'n': %d}" % id)
            self.assertTrue(error['stack'].endswith("ValueError: bad input: {'n': %d}\n" % id), error['stack'])
            self.assert_user_traceback(error['stack'], (12, 6) if id == 1 else (17, 6))

    def test_an_exception_without_a_message_is_named_by_its_type(self):
        self.runner.execute(1, 'src/job/task/failing.py', 'Silent')
        error = self.error(1)
        self.assertEqual((error['type'], error['message']), ('KeyError', 'KeyError'))

    def test_a_result_that_is_not_json_fails_naming_the_path(self):
        self.runner.execute(1, 'src/job/task/failing.py', 'NotJson', task='task1')
        error = self.error(1)
        self.assertEqual(error['type'], 'TypeError')
        self.assertEqual(error['message'], "TypeError: the result of task1 is not JSON-serialisable: result['items'][2] is a set (use a list)")

    def test_sys_exit_in_a_task_fails_the_task_not_the_runner(self):
        r = self.runner
        r.execute(1, 'src/job/task/failing.py', 'Exits')
        self.assertEqual(self.error(1)['message'], 'SystemExit: 4')
        r.send({'type': 'ping', 'id': 7})
        r.wait_type('pong', 7)

    def test_a_missing_class_names_what_the_module_defines(self):
        self.runner.execute(1, 'src/job/task/failing.py', 'Nope')
        error = self.error(1)
        self.assertEqual(error['type'], 'AttributeError')
        self.assertEqual(error['message'], 'AttributeError: failing.py defines no class Nope (it defines: Fails, FailsInThread, Silent, NotJson, Exits)')
        self.runner.execute(2, 'src/job/task/failing.py', 'helper')
        self.assertEqual(self.error(2)['type'], 'TypeError')

    def test_a_module_that_fails_to_import_fails_each_use_and_the_runner_goes_on(self):
        r = self.runner
        r.send({'type': 'load', 'module': r.path('src/job/task/broken.py'), 'className': 'Broken'})
        r.execute(1, 'src/job/task/broken.py', 'Broken')
        r.execute(2, 'src/job/task/broken.py', 'Broken')
        r.execute(3, 'src/job/task/raises_at_import.py', 'X')
        r.execute(4, 'src/job/task/missing.py', 'Missing')
        first, second = self.error(1), self.error(2)
        self.assertEqual(first['type'], 'SyntaxError')
        self.assertEqual(first, second)
        self.assertIn('broken.py", line 2', first['stack'])
        self.assertNotIn(PACKAGE_DIR, first['stack'])
        self.assertNotIn('importlib', first['stack'])
        third = self.error(3)
        self.assertEqual(third['type'], 'JSONDecodeError')
        self.assertTrue(third['stack'].startswith('Traceback (most recent call last):\n  File "%s", line 3, in <module>' % r.path('src/job/task/raises_at_import.py')), third['stack'])
        self.assertEqual(self.error(4)['type'], 'ModuleNotFoundError')
        r.execute(5, 'src/job/task/task1.py', 'Task1')
        self.assertEqual(r.result(5)['task'], 'Task1')
