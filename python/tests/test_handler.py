"""Job handlers: run(ctx), run_tasks() answered by the engine's summary, the generic hooks."""

from .harness import RunnerTestCase

SUMMARY = {
    'job': 'job1',
    'runId': 'run-1',
    'status': 'succeeded',
    'durationMs': 12,
    'tasks': {'a': {'status': 'succeeded', 'attempts': 1, 'durationMs': 5}, 'b': {'status': 'succeeded', 'attempts': 1, 'durationMs': 6}},
    'results': {'a': 1, 'b': 2},
}


class HandlerTest(RunnerTestCase):
    FILES = {
        'src/joborchrestrator/handler/hooks.py': '''
            import asyncio

            from fastasyncio import GenericJobHandler


            class HooksHandler(GenericJobHandler):
                async def before_job(self, ctx):
                    await asyncio.sleep(0)
                    print("before_job", ctx.job, ctx.run_id)

                def aggregate(self, results):  # seed style: sync, results only
                    print("aggregate")
                    return {"total": sum(results.values())}

                async def after_job(self, ctx, summary):
                    ctx.log("after_job " + summary["status"])


            class SeedRun(GenericJobHandler):
                async def run(self, job_name="ignored"):  # a seed-style run with other arguments
                    return await super().run(job_name)

                async def aggregate(self, results, ctx):
                    return {"job": ctx.job, "keys": sorted(results)}


            class Twice:  # any class with a run(ctx) is a handler
                async def run(self, ctx):
                    first = await ctx.run_tasks()
                    second = await ctx.run_tasks()
                    return first is second


            class NoRun:  # no run(): the generic behaviour with whatever hooks it has
                def aggregate(self, results):
                    return list(results)


            class NotJson(GenericJobHandler):
                def aggregate(self, results):
                    return {"when": float("nan")}
            ''',
    }

    def handler(self, id, class_name, module='src/joborchrestrator/handler/hooks.py', resumed=False):
        r = self.runner
        r.send({'type': 'handler', 'id': id, 'module': r.path(module), 'className': class_name, 'job': 'job1', 'runId': 'run-1', 'resumed': resumed})

    def answer(self, id, summary=SUMMARY):
        self.runner.wait_type('run-tasks', id)
        self.runner.send({'type': 'summary', 'id': id, 'summary': summary})

    def test_the_seed_handler_logs_its_name_and_runs_the_generic_behaviour(self):
        r = self.runner
        self.handler(1, 'Job1Handler', 'src/joborchrestrator/handler/job1_handler.py')
        self.answer(1)
        self.assertIsNone(r.result(1))
        self.assertEqual(r.logs(1), [{'type': 'log', 'id': 1, 'message': 'Job1Handler is running', 'level': 'info'}])

    def test_hooks_run_in_order_and_aggregate_gives_the_output(self):
        r = self.runner
        self.handler(1, 'HooksHandler')
        self.answer(1)
        self.assertEqual(r.result(1), {'total': 3})
        self.assertEqual([m['message'] for m in r.logs(1)], ['before_job job1 run-1', 'aggregate', 'after_job succeeded'])
        before, run_tasks = r.log(1, 'before_job job1 run-1'), r.wait_type('run-tasks', 1)
        self.assertLess(r.index(before), r.index(run_tasks))

    def test_a_resumed_run_skips_before_job(self):
        r = self.runner
        self.handler(1, 'HooksHandler', resumed=True)
        self.answer(1)
        self.assertEqual(r.result(1), {'total': 3})
        self.assertEqual([m['message'] for m in r.logs(1)], ['aggregate', 'after_job succeeded'])

    def test_super_run_finds_the_context_whatever_it_is_given(self):
        self.handler(1, 'SeedRun')
        self.answer(1)
        self.assertEqual(self.runner.result(1), {'job': 'job1', 'keys': ['a', 'b']})

    def test_run_tasks_asks_the_engine_once(self):
        r = self.runner
        self.handler(1, 'Twice')
        self.answer(1)
        self.assertIs(r.result(1), True)
        self.assertEqual(len([m for m in r.messages if m['type'] == 'run-tasks']), 1)

    def test_a_class_without_run_gets_the_generic_behaviour(self):
        self.handler(1, 'NoRun')
        self.answer(1)
        self.assertEqual(self.runner.result(1), ['a', 'b'])

    def test_a_handler_output_must_be_json(self):
        self.handler(1, 'NotJson')
        self.answer(1)
        error = self.runner.reply(1)['error']
        self.assertEqual(error['message'], "TypeError: the result of NotJson.run() is not JSON-serialisable: result['when'] is nan (JSON has no NaN)")

    def test_a_handler_waiting_for_its_tasks_can_be_cancelled(self):
        r = self.runner
        self.handler(1, 'HooksHandler')
        r.wait_type('run-tasks', 1)
        r.send({'type': 'cancel', 'id': 1})
        self.assertEqual(r.reply(1), {'type': 'cancelled', 'id': 1})
        r.send({'type': 'summary', 'id': 1, 'summary': SUMMARY})  # too late: ignored
        r.send({'type': 'ping', 'id': 2})
        r.wait_type('pong', 2)
        self.assertEqual(r.output('stderr'), '')
