"""Errors as the engine shows them: type, ``Type: message`` and a traceback that starts at user code."""

import asyncio
import concurrent.futures
import functools
import importlib
import os
import threading
import traceback


def _folder(module):
    return os.path.dirname(os.path.abspath(module.__file__)) + os.sep


# Frames of the runner and of the machinery it calls user code through (asyncio, the thread pool,
# importlib) say nothing about the user's error; those that come before the first user frame are cut.
_MACHINERY_FOLDERS = (_folder(importlib), _folder(asyncio), _folder(concurrent.futures), os.path.dirname(os.path.abspath(__file__)) + os.sep)
_MACHINERY_FILES = frozenset(os.path.abspath(module.__file__) for module in (threading, functools))


def _is_machinery(filename):
    return filename.startswith(('<frozen importlib', *_MACHINERY_FOLDERS)) or filename in _MACHINERY_FILES


def describe(exc):
    """``Type: message``, or just the type when the exception has no message."""
    name = type(exc).__name__
    try:
        text = str(exc)
    except Exception:  # a broken __str__ must not hide the error itself
        text = '<unprintable %s object>' % name
    return '%s: %s' % (name, text) if text else name


def error_info(exc):
    """The protocol's ``error`` payload for an exception: ``{type, message, stack}``."""
    tb = exc.__traceback__
    while tb is not None and _is_machinery(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    stack = ''.join(traceback.format_exception(type(exc), exc, tb))
    return {'type': type(exc).__name__, 'message': describe(exc), 'stack': stack}


def plain_error(type_name, text):
    """An error that no exception carries (a result that is not JSON): its message is its stack."""
    message = '%s: %s' % (type_name, text)
    return {'type': type_name, 'message': message, 'stack': message + '\n'}
