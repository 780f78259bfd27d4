"""What tasks and job handlers receive: TaskContext and JobContext."""

import asyncio
import contextvars
import logging
import threading

#: The execution or handler whose code is running (asyncio copies it into tasks and ``to_thread``):
#: how output and logging are attributed. None outside any (module code at import, threads a task started).
current_id = contextvars.ContextVar('fastasyncio.current_id', default=None)
#: The JobContext of the handler whose code is running, for ``GenericJobHandler.run()`` called without one.
current_job = contextvars.ContextVar('fastasyncio.current_job', default=None)

# Guards the lazy creation of cancel events (a thread may ask for one while the loop cancels).
_event_lock = threading.Lock()


class _Cancellable:
    """Cancellation state shared by both contexts: a flag, and a threading.Event made on first use."""

    __slots__ = ()

    @property
    def cancelled(self):
        """True once the engine cancelled this task or run."""
        return self._cancelled

    @property
    def cancel_event(self):
        """A ``threading.Event`` set on cancel: what a sync task running in a thread can wait on or poll."""
        event = self._event
        if event is None:
            with _event_lock:
                if self._event is None:
                    self._event = threading.Event()
                    if self._cancelled:
                        self._event.set()
                event = self._event
        return event

    def _cancel(self):
        with _event_lock:
            self._cancelled = True
            if self._event is not None:
                self._event.set()

    def log(self, message):
        """Sends one line to the run's log at level info, attributed to this task or run."""
        if self._emit is not None:
            self._emit(str(message))
        else:
            self.logger.info('%s', message)


class TaskContext(_Cancellable):
    """What a task's ``execute(input, ctx)`` receives as its second argument.

    Attributes: ``job`` (the job's name), ``task`` (the task's id), ``run_id``, ``params`` (the
    task's params from the job config, a dict) and ``attempt`` (1 for the first try, then 2, 3...
    on retries). A task may also be constructed by hand, for a unit test: ``TaskContext(task='t')``.

    Cancelling: async tasks are cancelled the asyncio way (``CancelledError`` is raised where they
    await; their ``finally`` blocks run). A sync task runs in a thread, which cannot be interrupted:
    it should look at ``cancelled``, wait on ``cancel_event`` or call ``raise_if_cancelled()``.
    """

    __slots__ = ('job', 'task', 'run_id', 'params', 'attempt', '_logger', '_cancelled', '_event', '_emit')

    def __init__(self, job='', task='', run_id='', params=None, attempt=1):
        self.job = job
        self.task = task
        self.run_id = run_id
        self.params = {} if params is None else params
        self.attempt = attempt
        self._logger = None
        self._cancelled = False
        self._event = None
        self._emit = None  # set by the runner: sends ctx.log() lines to the engine

    @property
    def logger(self):
        """A ``logging.Logger`` named ``fastasyncio.task.<task>``; what it logs goes to the run's log."""
        if self._logger is None:
            self._logger = logging.getLogger('fastasyncio.task.%s' % self.task)
        return self._logger

    def raise_if_cancelled(self):
        """Raises ``asyncio.CancelledError`` if the task was cancelled (a sync task's way to stop)."""
        if self._cancelled:
            raise asyncio.CancelledError()

    def __repr__(self):
        return '<TaskContext %s/%s attempt %d>' % (self.job, self.task, self.attempt)


class JobContext(_Cancellable):
    """What a job handler's ``run(ctx)`` (and its hooks) receive.

    Attributes: ``job``, ``run_id`` and ``resumed`` (True when the run goes on in a new worker after
    the previous one was stopped because a task was stuck: ``before_job`` already ran and is not
    called again). ``await ctx.run_tasks()`` runs the job's task graph in the engine and returns the
    run's summary.
    """

    __slots__ = ('job', 'run_id', 'resumed', '_logger', '_cancelled', '_event', '_emit', '_request_summary', '_summary')

    def __init__(self, job='', run_id='', resumed=False):
        self.job = job
        self.run_id = run_id
        self.resumed = resumed
        self._logger = None
        self._cancelled = False
        self._event = None
        self._emit = None
        self._request_summary = None  # set by the runner: asks the engine, returns a future
        self._summary = None

    @property
    def logger(self):
        """A ``logging.Logger`` named ``fastasyncio.job.<job>``; what it logs goes to the run's log."""
        if self._logger is None:
            self._logger = logging.getLogger('fastasyncio.job.%s' % self.job)
        return self._logger

    async def run_tasks(self):
        """Runs the job's tasks (the engine schedules them) and returns the run's summary:
        ``{job, runId, status, durationMs, tasks: {id: {status, attempts, durationMs, error?}},
        results: {id: result}}``. Calling it again returns the same summary without running anything."""
        if self._summary is None:
            if self._request_summary is None:
                raise RuntimeError('run_tasks() needs the engine: this JobContext is not attached to a run')
            self._summary = self._request_summary()
        # Shielded: cancelling one caller must not cancel the answer other callers wait for.
        return await asyncio.shield(self._summary)

    def __repr__(self):
        return '<JobContext %s run %s%s>' % (self.job, self.run_id, ' (resumed)' if self.resumed else '')
