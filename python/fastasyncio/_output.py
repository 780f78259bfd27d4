"""Output capture: ``print()`` and ``logging`` become ``log`` messages, attributed with ``current_id``.

Nothing here ever writes to the channel's descriptor directly or to the real stdout/stderr: what a
task prints can never corrupt the protocol. Native code writing to fd 1 or 2 bypasses this (the
engine reads those descriptors itself).
"""

import io
import logging
import threading

from ._context import current_id

#: The longest partial line kept; longer output is sent in pieces of this many characters.
MAX_LINE = 64 * 1024


class LineWriter(io.TextIOBase):
    """A thread-safe text stream that sends each complete line as a ``log`` message.

    Partial lines are kept per execution id, so tasks printing at the same time never mix their lines;
    ``flush_id`` sends what remains of one when it ends. A trailing ``\\r`` is dropped (CRLF).
    """

    def __init__(self, stream, original, emit):
        super().__init__()
        self._stream = stream  # 'stdout' or 'stderr'
        self._emit = emit  # emit(id, line, stream)
        self._lock = threading.Lock()
        self._partial = {}
        try:
            self._fd = original.fileno()
        except (AttributeError, OSError, ValueError):
            self._fd = 1 if stream == 'stdout' else 2

    @property
    def encoding(self):
        return 'utf-8'

    @property
    def errors(self):
        return 'strict'

    def writable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        """The real descriptor: native code writing there reaches the engine as the worker's output."""
        return self._fd

    def flush(self):
        """Does nothing: lines are sent as they complete (flushing never cuts a line in two)."""

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError('write() argument must be str, not %s' % type(text).__name__)
        if not text:
            return 0
        key = current_id.get()
        emit, stream = self._emit, self._stream
        with self._lock:
            rest = self._partial.pop(key, '') + text
            if '\n' in rest:
                *lines, rest = rest.split('\n')
                for line in lines:
                    if line.endswith('\r'):
                        line = line[:-1]
                    while len(line) > MAX_LINE:
                        emit(key, line[:MAX_LINE], stream)
                        line = line[MAX_LINE:]
                    emit(key, line, stream)
            while len(rest) >= MAX_LINE:
                emit(key, rest[:MAX_LINE], stream)
                rest = rest[MAX_LINE:]
            if rest:
                self._partial[key] = rest
        return len(text)

    def flush_id(self, key):
        """Sends the partial line of execution ``key`` (it ended without a final newline)."""
        if key in self._partial:
            with self._lock:
                rest = self._partial.pop(key, '')
                if rest:
                    self._emit(key, rest[:-1] if rest.endswith('\r') else rest, self._stream)

    def flush_all(self):
        for key in list(self._partial):
            self.flush_id(key)


def level_name(levelno):
    """A logging level number as the protocol names it (custom levels fall into the nearest below)."""
    if levelno < logging.INFO:
        return 'debug'
    if levelno < logging.WARNING:
        return 'info'
    if levelno < logging.ERROR:
        return 'warning'
    if levelno < logging.CRITICAL:
        return 'error'
    return 'critical'


class ChannelHandler(logging.Handler):
    """The root logger's handler: each record becomes one ``log`` message with its level."""

    def __init__(self, emit, report):
        super().__init__()
        self._emit = emit  # emit(id, message, level)
        self._report = report
        self._formatter = logging.Formatter()

    def emit(self, record):
        try:
            message = record.getMessage()
            if record.exc_info:
                message += '\n' + self._formatter.formatException(record.exc_info)
            if record.stack_info:
                message += '\n' + self._formatter.formatStack(record.stack_info)
            self._emit(current_id.get(), message, level_name(record.levelno))
        except Exception:
            self.handleError(record)

    def handleError(self, record):
        # The default writes to sys.stderr, which is ours and may be what failed: use the real one.
        self._report('could not send a log record (%s:%s)' % (record.pathname, record.lineno), True)
