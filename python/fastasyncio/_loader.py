"""Importing task and handler modules by path, so that the seed's modules work unchanged.

A seed task imports its base class as ``from src.job.task.base_task import BaseTask``,
``from job.task.base_task import BaseTask`` or ``from .base_task import BaseTask``. So a module whose
path under the project root is all identifiers is imported by that dotted name (``src.job.task.task1``,
``__init__.py`` files or not); any other module as a submodule of a synthetic package whose
``__path__`` is the module's folder, so that its relative imports still work.
"""

import contextvars
import importlib
import importlib.machinery
import importlib.util
import keyword
import os
import sys


class _Failure:
    """An import that failed, kept to be reported each time the module is used."""

    __slots__ = ('exception', 'traceback')

    def __init__(self, exception):
        self.exception = exception
        self.traceback = exception.__traceback__


def _same_file(a, b):
    if os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b)):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


class Loader:
    """Imports modules by path under the project root, and finds their classes; both are cached."""

    def __init__(self, root):
        self._root = os.path.abspath(root)
        self._modules = {}  # path (as given, and absolute) -> module or _Failure
        self._classes = {}  # (path, class name) -> class
        self._packages = {}  # folder -> synthetic package name

    def module(self, path):
        """The module at ``path``, imported once; raises what its import raised, every time."""
        entry = self._modules.get(path)
        if entry is None:
            absolute = os.path.abspath(path)
            entry = self._modules.get(absolute)
            if entry is None:
                try:
                    # Module code runs outside any execution (a fresh context): what it prints is nobody's.
                    entry = contextvars.Context().run(self._import, absolute)
                except BaseException as e:  # SystemExit at import is a broken module, not the runner's exit
                    entry = _Failure(e)
                self._modules[absolute] = entry
            self._modules[path] = entry
        if type(entry) is _Failure:
            raise entry.exception.with_traceback(entry.traceback)
        return entry

    def get_class(self, path, class_name):
        """The class ``class_name`` of the module at ``path``, or an error naming what the module defines."""
        cls = self._classes.get((path, class_name))
        if cls is not None:
            return cls
        module = self.module(path)
        cls = getattr(module, class_name, None)
        if isinstance(cls, type):
            self._classes[path, class_name] = cls
            return cls
        defined = [name for name, value in vars(module).items() if isinstance(value, type) and value.__module__ == module.__name__]
        listing = 'it defines: %s' % ', '.join(defined) if defined else 'it defines no classes'
        file = os.path.basename(path)
        if cls is None:
            raise AttributeError('%s defines no class %s (%s)' % (file, class_name, listing))
        raise TypeError('%s.%s is %s, not a class (%s)' % (file, class_name, type(cls).__name__, listing))

    def _import(self, path):
        if not os.path.isfile(path):
            raise ModuleNotFoundError('no such module file: %s' % path)
        name = self._dotted_name(path)
        if name is not None:
            module = importlib.import_module(name)
            if _same_file(getattr(module, '__file__', None) or '', path):
                return module
            # The name led elsewhere (an installed or standard module of that name): import by path.
        return self._import_by_path(path)

    def _dotted_name(self, path):
        """``src.job.task.task1`` for ``<root>/src/job/task/task1.py``, when the root is on sys.path,
        every part is an identifier, and the top-level name is not taken by a module from elsewhere."""
        root = self._root
        if not any(_same_file(entry or os.curdir, root) for entry in sys.path if isinstance(entry, str)):
            return None
        try:
            relative = os.path.relpath(path, root)
        except ValueError:  # another drive (Windows)
            return None
        base, ext = os.path.splitext(relative)
        parts = base.split(os.sep)
        if ext != '.py' or parts[0] == os.pardir:
            return None
        if parts[-1] == '__init__':
            parts.pop()
        if not parts or not all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
            return None
        top = sys.modules.get(parts[0])
        if top is not None and not self._from_root(top, parts[0]):
            return None
        return '.'.join(parts)

    def _from_root(self, module, name):
        file = getattr(module, '__file__', None)
        if file and (_same_file(file, os.path.join(self._root, name + '.py')) or _same_file(file, os.path.join(self._root, name, '__init__.py'))):
            return True
        folder = os.path.join(self._root, name)
        return any(_same_file(entry, folder) for entry in getattr(module, '__path__', ()))

    def _import_by_path(self, path):
        folder, file = os.path.split(path)
        package = self._packages.get(folder)
        if package is None:
            package = '_fastasyncio_folder%d' % len(self._packages)
            spec = importlib.machinery.ModuleSpec(package, None, is_package=True)
            spec.submodule_search_locations = [folder]
            sys.modules[package] = importlib.util.module_from_spec(spec)
            self._packages[folder] = package
        # The name its siblings' relative imports would give it (a dot in the file name would nest).
        name = '%s.%s' % (package, os.path.splitext(file)[0].replace('.', '_'))
        existing = sys.modules.get(name)
        if existing is not None and _same_file(getattr(existing, '__file__', None) or '', path):
            return existing
        loader = importlib.machinery.SourceFileLoader(name, path)
        spec = importlib.util.spec_from_file_location(name, path, loader=loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module
