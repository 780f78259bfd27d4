"""FastAsyncio for Python: run the seed project's Python tasks and job handlers under the FastAsyncio engine.

A task is a class with an ``execute`` method (``BaseTask`` documents it); a job handler extends
``GenericJobHandler``. The engine (Node) runs them through this package's runner
(``python/fastasyncio_runner.py``), one Python process per run: ``print()`` and ``logging`` reach the
run's log, attributed to the task that wrote them. The package uses only the standard library and
needs Python 3.9 or later.

    from fastasyncio import BaseTask

    class Fetch(BaseTask):
        async def execute(self, input_data, ctx):
            ctx.log('fetching %s' % ctx.params['url'])
            return {'status': 200}
"""

from ._bases import BaseTask, GenericJobHandler
from ._context import JobContext, TaskContext

__all__ = ['BaseTask', 'GenericJobHandler', 'JobContext', 'TaskContext']
__version__ = '0.1.0'
