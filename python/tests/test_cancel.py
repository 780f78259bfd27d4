"""Cancelling: the asyncio way for async tasks, the cancel event for sync ones; ping answered meanwhile."""

from .harness import RunnerTestCase


class CancelTest(RunnerTestCase):
    FILES = {
        'src/job/task/waiting.py': '''
            import asyncio


            class Waits:
                async def execute(self, input_data, ctx):
                    print("started")
                    try:
                        await asyncio.Event().wait()
                    except asyncio.CancelledError:
                        print("caught the cancel", ctx.cancelled)
                        raise
                    finally:
                        await asyncio.sleep(0)  # a finally block may still await
                        print("finally ran")


            class Ignores:
                async def execute(self, input_data):
                    print("started")
                    try:
                        await asyncio.Event().wait()
                    except asyncio.CancelledError:
                        return "ignored the cancel"


            class RaisesInstead:
                async def execute(self, input_data):
                    print("started")
                    try:
                        await asyncio.Event().wait()
                    except asyncio.CancelledError:
                        raise RuntimeError("cleanup failed")


            class SyncWaits:
                def execute(self, input_data, ctx):
                    print("started")
                    if ctx.cancel_event.wait(5):
                        print("saw the cancel event")
                    ctx.raise_if_cancelled()
            ''',
    }

    def test_cancel_runs_except_and_finally_then_replies_cancelled(self):
        r = self.runner
        r.execute(1, 'src/job/task/waiting.py', 'Waits')
        r.log(1, 'started')
        r.send({'type': 'cancel', 'id': 1})
        reply = r.reply(1)
        self.assertEqual(reply, {'type': 'cancelled', 'id': 1})
        self.assertEqual([m['message'] for m in r.logs(1)], ['started', 'caught the cancel True', 'finally ran'])
        self.assertLess(r.index(r.logs(1)[-1]), r.index(reply))

    def test_a_task_that_catches_the_cancel_replies_as_usual(self):
        r = self.runner
        r.execute(1, 'src/job/task/waiting.py', 'Ignores')
        r.execute(2, 'src/job/task/waiting.py', 'RaisesInstead')
        r.log(1, 'started')
        r.log(2, 'started')
        r.send({'type': 'cancel', 'id': 1}, {'type': 'cancel', 'id': 2})
        self.assertEqual(r.result(1), 'ignored the cancel')
        self.assertEqual(r.reply(2)['error']['message'], 'RuntimeError: cleanup failed')

    def test_a_task_cancelled_before_it_started_is_cancelled(self):
        r = self.runner
        r.send(r.execute(1, 'src/job/task/waiting.py', 'Waits', send=False), {'type': 'cancel', 'id': 1})
        self.assertEqual(r.reply(1)['type'], 'cancelled')
        r.send({'type': 'cancel', 'id': 1}, {'type': 'cancel', 'id': 99})  # unknown ids: nothing to do
        r.send({'type': 'ping', 'id': 2})
        r.wait_type('pong', 2)
        self.assertEqual([m['type'] for m in r.messages if m.get('id') == 1 and m['type'] != 'log'], ['cancelled'])

    def test_a_sync_task_sees_the_cancel_event_while_the_loop_answers_pings(self):
        r = self.runner
        r.execute(1, 'src/job/task/waiting.py', 'SyncWaits')
        r.log(1, 'started')
        r.send({'type': 'ping', 'id': 5})
        r.wait_type('pong', 5)  # the thread blocks, not the loop
        r.send({'type': 'cancel', 'id': 1})
        self.assertEqual(r.reply(1)['type'], 'cancelled')
        r.log(1, 'saw the cancel event')  # the thread goes on until it checks
