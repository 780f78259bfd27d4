"""The base classes user code extends: BaseTask and GenericJobHandler."""

from ._calls import call_hook
from ._context import JobContext, current_job


class BaseTask:
    """The base of a task (optional: any class with an ``execute`` method is a task).

    The engine instantiates the class with no arguments for each attempt and calls
    ``execute(input_data)``, or ``execute(input_data, ctx)`` when the method takes a second
    positional parameter. ``input_data`` holds the results of the task's dependencies by task id;
    ``ctx`` is a ``TaskContext`` (params, attempt, logger, cancellation). What ``execute`` returns is
    the task's result and must be JSON: None, bool, int, finite float, str, list, tuple, and dict with
    str keys.

    ``async def execute`` runs on the runner's event loop and must not block it (await, or use
    ``asyncio.to_thread``); a plain ``def execute`` runs in a thread of its own.
    """

    async def execute(self, input_data=None, ctx=None):
        """Does the task's work and returns its result. Subclasses must override it."""
        raise NotImplementedError('%s must define execute(self, input_data[, ctx])' % type(self).__name__)


class GenericJobHandler:
    """The built-in job handler, and the base of user handlers.

    ``run`` calls ``before_job`` (unless the run is resumed), runs the task graph, combines the
    results with ``aggregate`` and calls ``after_job``; it returns ``aggregate``'s output, which
    becomes the run's output. Override the hooks, or ``run`` itself (calling ``await super().run()``).
    Hooks may be sync or async, and are called with only as many positional arguments as they take:
    a seed-style ``def aggregate(self, results)`` works.
    """

    async def run(self, ctx=None, *args, **kwargs):
        """Runs the job. ``ctx`` defaults to the current run's JobContext, so that a seed-style
        ``await super().run(...)`` works whatever it passes; other arguments are ignored."""
        if not isinstance(ctx, JobContext):
            ctx = current_job.get()
            if ctx is None:
                raise RuntimeError('GenericJobHandler.run() needs a JobContext: it runs as a job handler, under the engine')
        return await _run_generic(self, ctx)

    async def before_job(self, ctx):
        """Called before any task starts (not when the run is resumed); raising fails the run."""

    async def aggregate(self, results, ctx):
        """Combines the tasks' results (a dict by task id) into the job's output; None by default."""
        return None

    async def after_job(self, ctx, summary):
        """Called after the last task ended, with the run's summary."""


async def _run_generic(handler, ctx):
    """The generic behaviour, for GenericJobHandler and for handler classes that define no ``run``:
    every hook is optional."""
    hook = getattr(handler, 'before_job', None)
    if hook is not None and not ctx.resumed:
        await call_hook(hook, ctx)
    summary = await ctx.run_tasks()
    hook = getattr(handler, 'aggregate', None)
    output = None if hook is None else await call_hook(hook, summary.get('results', {}), ctx)
    hook = getattr(handler, 'after_job', None)
    if hook is not None:
        await call_hook(hook, ctx, summary)
    return output
