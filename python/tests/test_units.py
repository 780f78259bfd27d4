"""The package's pieces in-process: the JSON check, fitting calls to signatures, the contexts."""

import asyncio
import collections
import datetime
import enum
import unittest

import fastasyncio
from fastasyncio._calls import UNLIMITED, call_fitting, call_shape
from fastasyncio._output import level_name
from fastasyncio._results import json_problem


class Colour(enum.IntEnum):
    RED = 1


class JsonProblemTest(unittest.TestCase):
    def test_json_values_pass(self):
        shared = {'n': 1}
        for value in (None, True, 0, -1.5, 'text', [], (), {}, [1, 'two', None, (3, 4.0)], {'a': {'b': [shared, shared]}}, collections.OrderedDict(a=1), Colour.RED, 10**30):
            self.assertIsNone(json_problem(value), value)

    def test_the_first_bad_path_is_named(self):
        cases = [
            ({'items': [1, 2, {3}]}, "result['items'][2] is a set (use a list)"),
            (float('nan'), 'result is nan (JSON has no NaN)'),
            ({'x': [float('-inf')]}, "result['x'][0] is -inf (JSON has no Infinity)"),
            ({1: 'a'}, 'result has a key that is not a str: 1 (an int)'),
            ({'a': {('t',): 1}}, "result['a'] has a key that is not a str: ('t',) (a tuple)"),
            ([b'raw'], 'result[0] is a bytes object (decode it to a str)'),
            ({'when': datetime.date(2020, 1, 2)}, "result['when'] is a datetime.date (use .isoformat())"),
            ({'e': ValueError('x')}, "result['e'] is a ValueError exception"),
            ([object()], 'result[0] is an object'),
            ([1, {'a': 1, 'b': frozenset()}], "result[1]['b'] is a frozenset (use a list)"),
        ]
        for value, expected in cases:
            self.assertEqual(json_problem(value), expected)

    def test_coroutines_cycles_and_depth(self):
        async def forgot():
            pass

        coroutine = forgot()
        self.assertEqual(json_problem({'c': coroutine}), "result['c'] is a coroutine (did you forget await?)")
        coroutine.close()
        loop = {'a': {}}
        loop['a']['back'] = loop['a']
        self.assertEqual(json_problem(loop), "result['a']['back'] is a circular reference to result['a']")
        deep = nested = []
        for _ in range(999):
            nested.append([])
            nested = nested[0]
        self.assertIsNone(json_problem(deep))  # 1000 levels
        nested.append([])
        problem = json_problem(deep)
        self.assertTrue(problem.endswith('is nested more than 1000 levels deep (too deep for JSON)'), problem)
        self.assertLessEqual(len(problem), 300)


class CallShapeTest(unittest.TestCase):
    def test_positional_capacity_and_asyncness(self):
        class Task:
            async def one(self, input_data):
                pass

            def two(self, input_data, ctx=None, *, key=None):
                pass

            def star(self, *args):
                pass

        task = Task()
        self.assertEqual(call_shape(task.one), (1, True))
        self.assertEqual(call_shape(task.two), (2, False))
        self.assertEqual(call_shape(task.star), (UNLIMITED, False))
        self.assertEqual(call_shape(len), (1, False))
        self.assertEqual(call_fitting(lambda a: a, 'first', 'second'), 'first')
        self.assertEqual(call_fitting(lambda *a: a, 1, 2), (1, 2))

    def test_levels_fall_into_the_protocol_names(self):
        self.assertEqual([level_name(n) for n in (5, 10, 20, 25, 30, 40, 45, 50, 60)], ['debug', 'debug', 'info', 'info', 'warning', 'error', 'error', 'critical', 'critical'])


class PublicApiTest(unittest.TestCase):
    def test_the_package_exports_its_api(self):
        self.assertEqual(sorted(fastasyncio.__all__), ['BaseTask', 'GenericJobHandler', 'JobContext', 'TaskContext'])
        self.assertRegex(fastasyncio.__version__, r'^\d+\.\d+\.\d+$')

    def test_a_task_context_made_by_hand_for_a_unit_test(self):
        ctx = fastasyncio.TaskContext(job='j', task='t', params={'a': 1})
        self.assertEqual((ctx.job, ctx.task, ctx.run_id, ctx.params, ctx.attempt), ('j', 't', '', {'a': 1}, 1))
        self.assertEqual(ctx.logger.name, 'fastasyncio.task.t')
        with self.assertLogs('fastasyncio.task.t', 'INFO') as logs:
            ctx.log('hello')
        self.assertEqual(logs.records[0].getMessage(), 'hello')
        self.assertFalse(ctx.cancelled)
        ctx.raise_if_cancelled()
        event = ctx.cancel_event
        ctx._cancel()
        self.assertTrue(ctx.cancelled and event.is_set() and ctx.cancel_event.is_set())
        self.assertRaises(asyncio.CancelledError, ctx.raise_if_cancelled)

    def test_base_task_and_handler_outside_the_engine(self):
        with self.assertRaises(NotImplementedError):
            asyncio.run(fastasyncio.BaseTask().execute({}))
        with self.assertRaisesRegex(RuntimeError, 'needs a JobContext'):
            asyncio.run(fastasyncio.GenericJobHandler().run())
        with self.assertRaisesRegex(RuntimeError, 'needs the engine'):
            asyncio.run(fastasyncio.GenericJobHandler().run(fastasyncio.JobContext('job1')))
