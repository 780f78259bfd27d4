"""Start-up, executing async and sync tasks, the seed's import styles, and the task context."""

import os
import platform
import sys

from .harness import RunnerTestCase


class ExecuteTest(RunnerTestCase):
    FILES = {
        'src/job/task/meet.py': '''
            import threading

            # Two sync tasks meet here: they only get through if they run at the same time.
            BARRIER = threading.Barrier(2, timeout=5)


            class Meet:
                def execute(self, input_data):
                    BARRIER.wait()
                    return {"ident": threading.get_ident(), "in_main_thread": threading.current_thread() is threading.main_thread()}
            ''',
        'src/job/task/shapes.py': '''
            import asyncio


            class NoArgs:
                async def execute(self):
                    return "no arguments"


            class Star:
                async def execute(self, *args):
                    return [type(arg).__name__ for arg in args]


            class SyncWithCtx:
                def execute(self, input_data, ctx):
                    return {"task": ctx.task, "attempt": ctx.attempt}


            class ReturnsAwaitable:
                def execute(self, input_data):
                    async def later():
                        await asyncio.sleep(0)
                        return "awaited"

                    return later()


            class Paths:
                async def execute(self, input_data):
                    import sys

                    return sys.path
            ''',
        # A folder that is not an identifier: imported through a synthetic package, relative imports work.
        'extra-tasks/odd_task.py': '''
            from .helper import VALUE


            class OddTask:
                async def execute(self, input_data):
                    return {"value": VALUE, "module": __name__}
            ''',
        'extra-tasks/helper.py': 'VALUE = 42\n',
        # A project module named like a package folder of the runner's (python/tests): the project's wins.
        'tests/__init__.py': 'WHO = "project"\n',
        'src/job/task/shadow.py': '''
            class Shadow:
                async def execute(self, input_data):
                    import tests

                    return tests.WHO
            ''',
    }

    def test_ready_names_the_interpreter(self):
        self.assertEqual(self.ready['version'], platform.python_version())
        self.assertEqual(self.ready['executable'], sys.executable)
        self.assertEqual(self.ready['pid'], self.runner.process.pid)
        self.assertEqual(self.runner.messages[0], self.ready)

    def test_the_seed_tasks_run_unchanged_with_each_import_style(self):
        r = self.runner
        r.execute(1, 'src/job/task/task1.py', 'Task1', input={'dep': [1, 2]})
        r.execute(2, 'src/job/task/task2.py', 'Task2')
        r.execute(3, 'src/job/task/task3.py', 'Task3', params={'url': 'x'}, attempt=2, task='third')
        self.assertEqual(r.result(1), {'task': 'Task1', 'input': {'dep': [1, 2]}})
        self.assertEqual(r.result(2), {'task': 'Task2', 'in_main_thread': False})
        self.assertEqual(
            r.result(3),
            {
                'task': 'third',
                'job': 'job1',
                'run_id': 'run-1',
                'params': {'url': 'x'},
                'attempt': 2,
                'logger': 'fastasyncio.task.third',
                'cancelled': False,
            },
        )

    def test_sync_tasks_run_in_threads_at_the_same_time(self):
        r = self.runner
        r.execute(1, 'src/job/task/meet.py', 'Meet')
        r.execute(2, 'src/job/task/meet.py', 'Meet')
        first, second = r.result(1), r.result(2)
        self.assertFalse(first['in_main_thread'])
        self.assertNotEqual(first['ident'], second['ident'])

    def test_arguments_fit_the_signature(self):
        r = self.runner
        for id, name in enumerate(['NoArgs', 'Star', 'SyncWithCtx', 'ReturnsAwaitable'], 1):
            r.execute(id, 'src/job/task/shapes.py', name, task='t%d' % id, attempt=3)
        self.assertEqual(r.result(1), 'no arguments')
        self.assertEqual(r.result(2), ['dict', 'TaskContext'])
        self.assertEqual(r.result(3), {'task': 't3', 'attempt': 3})
        self.assertEqual(r.result(4), 'awaited')

    def test_a_module_outside_identifier_paths_keeps_its_relative_imports(self):
        self.runner.execute(1, 'extra-tasks/odd_task.py', 'OddTask')
        result = self.runner.result(1)
        self.assertEqual(result['value'], 42)
        self.assertTrue(result['module'].endswith('.odd_task'), result['module'])

    def test_load_imports_ahead_and_the_module_is_imported_once(self):
        r = self.runner
        r.send({'type': 'load', 'module': r.path('src/job/task/task1.py'), 'className': 'Task1'})
        r.execute(1, 'src/job/task/task1.py', 'Task1')
        r.execute(2, 'src/job/task/task1.py', 'Task1')
        self.assertEqual(r.result(1)['task'], 'Task1')
        self.assertEqual(r.result(2)['task'], 'Task1')

    def test_the_project_path_comes_first_and_the_runner_folder_shadows_nothing(self):
        r = self.runner
        r.execute(1, 'src/job/task/shapes.py', 'Paths')
        r.execute(2, 'src/job/task/shadow.py', 'Shadow')
        path = r.result(1)
        self.assertEqual(path[:2], [self.root, os.path.join(self.root, 'src')])
        self.assertEqual(path[-1], os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self.assertEqual(r.result(2), 'project')
