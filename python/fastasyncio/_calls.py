"""Calling user code with as many positional arguments as it accepts.

Seed-style code defines ``execute(self, input_data)`` or ``aggregate(self, results)``; newer code
takes a context too. Rather than failing on the extra argument, the runner looks at the signature
once per function and passes only what fits.
"""

import inspect

#: The capacity of a callable that takes ``*args`` (or whose signature cannot be read).
UNLIMITED = 1 << 30

_shapes = {}


def call_shape(func):
    """``(capacity, is_async)`` of a callable: how many positional arguments it takes (``self``
    excluded for a bound method) and whether it is an ``async def``. Cached per function."""
    bound = getattr(func, '__self__', None) is not None and hasattr(func, '__func__')
    key = (func.__func__ if bound else func, bound)
    try:
        return _shapes[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable callable: compute every time
        return _shape(func)
    shape = _shapes[key] = _shape(func)
    return shape


def _shape(func):
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature: pass everything
        return UNLIMITED, inspect.iscoroutinefunction(func)
    capacity = 0
    for parameter in parameters:
        if parameter.kind is parameter.VAR_POSITIONAL:
            capacity = UNLIMITED
            break
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            capacity += 1
    return capacity, inspect.iscoroutinefunction(func)


def call_fitting(func, *args):
    """Calls ``func`` with the first positional arguments it accepts (all of them with ``*args``)."""
    capacity = call_shape(func)[0]
    return func(*args[:capacity]) if capacity < len(args) else func(*args)


async def call_hook(func, *args):
    """Calls a sync or async hook with the arguments it accepts; awaits what it returns if awaitable."""
    outcome = call_fitting(func, *args)
    if inspect.isawaitable(outcome):
        outcome = await outcome
    return outcome
