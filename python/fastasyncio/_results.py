"""JSON honesty for results: what travels to the engine must be JSON as it is.

``json.dumps`` would quietly turn a tuple into a list (fine) but also an int key into a string, and
refuses sets, bytes or NaN (with ``allow_nan=False``) without saying where they are. A task whose
result would not arrive as returned fails instead, with the path of the first bad value:
``result['items'][2] is a set (use a list)``.
"""

import inspect
import math

#: How deep a result may nest (containers in containers).
MAX_DEPTH = 1000
#: Longer paths are shortened in the middle.
MAX_PATH_CHARS = 200


def json_problem(value, root='result'):
    """Why ``value`` is not JSON, naming the first bad path; None when it is.

    JSON here is None, bool, int, finite float, str, list or tuple, and dict with str keys, nested at
    most MAX_DEPTH levels. Subclasses count as their base (an IntEnum is an int). Shared references
    are fine; cycles are not.
    """
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return None
    if kind is float:
        return None if math.isfinite(value) else '%s %s' % (root, _non_finite(value))
    return _Walk(root).run(value)


def _non_finite(number):
    if math.isnan(number):
        return 'is nan (JSON has no NaN)'
    return 'is %s (JSON has no Infinity)' % ('inf' if number > 0 else '-inf')


def _article(noun):
    return ('an ' if noun[:1].lower() in 'aeiou' else 'a ') + noun


def _describe(value):
    """What a value that is not JSON is, with a hint when there is an obvious fix."""
    if isinstance(value, (set, frozenset)):
        return '%s (use a list)' % _article(type(value).__name__)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return '%s object (decode it to a str)' % _article(type(value).__name__)
    if inspect.isawaitable(value):
        return '%s (did you forget await?)' % _article(type(value).__name__)
    if inspect.isgenerator(value) or inspect.isasyncgen(value):
        return 'a generator (use a list)'
    if isinstance(value, BaseException):
        return _article('%s exception' % type(value).__name__)
    if isinstance(value, type):
        return 'a class (%s)' % value.__qualname__
    if inspect.isroutine(value):
        return 'a function (%s)' % getattr(value, '__qualname__', repr(value))
    kind = type(value)
    name = kind.__qualname__ if kind.__module__ == 'builtins' else '%s.%s' % (kind.__module__, kind.__qualname__)
    if kind.__module__ == 'datetime':
        return '%s (use .isoformat())' % _article(name)
    return 'an object' if kind is object else _article('%s object' % name)


def _segment(key):
    return '' if key is None else '[%r]' % (key,)


def _shorten(path):
    if len(path) <= MAX_PATH_CHARS:
        return path
    half = MAX_PATH_CHARS // 2
    return path[:half] + '\u2026' + path[-half:]


class _Frame:
    __slots__ = ('container', 'items', 'key', 'is_dict')

    def __init__(self, container, items, key, is_dict):
        self.container = container
        self.items = items
        self.key = key
        self.is_dict = is_dict


class _Walk:
    """An iterative depth-first walk (a deep value cannot overflow the stack), in json's order."""

    def __init__(self, root):
        self.root = root
        self.frames = []
        # Containers on the current path (a cycle) and those already found honest (shared references).
        self.on_path = set()
        self.done = set()

    def run(self, value):
        problem = self.visit(value, None)
        frames = self.frames
        while problem is None and frames:
            frame = frames[-1]
            for key, child in frame.items:
                if frame.is_dict and not isinstance(key, str):
                    return '%s has a key that is not a str: %r (%s)' % (self.path(None), key, _article(type(key).__name__))
                problem = self.visit(child, key)
                if problem is not None or frames[-1] is not frame:
                    break  # a problem, or a child container to walk first
            else:
                frames.pop()
                self.on_path.discard(id(frame.container))
                self.done.add(id(frame.container))
        return problem

    def path(self, key):
        """The path of the current container's child ``key`` (of the container itself when None)."""
        return _shorten(self.root + ''.join(_segment(frame.key) for frame in self.frames) + _segment(key))

    def path_of(self, container):
        path = self.root
        for frame in self.frames:
            path += _segment(frame.key)
            if frame.container is container:
                break
        return _shorten(path)

    def visit(self, value, key):
        """Checks one value; pushes a frame for a list, tuple or dict to walk."""
        kind = type(value)
        if value is None or kind is str or kind is int or kind is bool:
            return None
        if isinstance(value, float):
            return None if math.isfinite(value) else '%s %s' % (self.path(key), _non_finite(value))
        is_dict = isinstance(value, dict)
        if is_dict or isinstance(value, (list, tuple)):
            ident = id(value)
            if ident in self.on_path:
                return '%s is a circular reference to %s' % (self.path(key), self.path_of(value))
            if ident in self.done:
                return None
            if len(self.frames) >= MAX_DEPTH:
                return '%s is nested more than %d levels deep (too deep for JSON)' % (self.path(key), MAX_DEPTH)
            items = iter(value.items()) if is_dict else enumerate(value)
            self.frames.append(_Frame(value, items, key, is_dict))
            self.on_path.add(ident)
            return None
        if isinstance(value, (str, int)):  # str and int subclasses (enums): json writes their value
            return None
        return '%s is %s' % (self.path(key), _describe(value))
