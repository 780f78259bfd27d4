"""The protocol channel: one line of UTF-8 JSON per message over a Unix socket, both ways.

Reading is a daemon thread's blocking ``recv``: it parses lines and hands them to the event loop in
one ``call_soon_threadsafe`` per chunk. Writing is thread-safe: what the loop thread sends within one
loop iteration goes out in one ``sendall`` (thousands of tiny tasks finish per iteration); other
threads send directly, under the same lock.
"""

import json
import os
import threading

_encoder = json.JSONEncoder(ensure_ascii=True, separators=(',', ':'), allow_nan=False)


def encode(message):
    """A message as the wire carries it: ASCII JSON (non-ASCII escaped) and a newline."""
    return (_encoder.encode(message) + '\n').encode('ascii')


def gone():
    """The engine closed its end: nobody is left to report to, so stop at once (the loop may be blocked)."""
    os._exit(0)


class Channel:
    """Both directions of the channel; ``on_messages`` is called on the loop with each chunk's messages."""

    def __init__(self, sock, loop, on_messages, report):
        self._sock = sock
        self._loop = loop
        self._on_messages = on_messages  # called on the loop with a list of decoded messages
        self._report = report
        self._lock = threading.Lock()
        self._pending = []
        self._flush_scheduled = False
        self._loop_thread = threading.get_ident()  # the channel is made on the loop's thread

    def start(self):
        threading.Thread(target=self._read, name='fastasyncio-channel', daemon=True).start()

    def send(self, message):
        """Sends a message (a dict); raises ValueError or TypeError if it is not JSON."""
        data = encode(message)
        if threading.get_ident() == self._loop_thread:
            self._pending.append(data)
            if not self._flush_scheduled:
                self._flush_scheduled = True
                self._loop.call_soon(self.flush)
        else:
            self._write(data)

    def flush(self):
        """Sends what the loop thread buffered."""
        self._flush_scheduled = False
        if self._pending:
            data = b''.join(self._pending)
            self._pending.clear()
            self._write(data)

    def _write(self, data):
        try:
            with self._lock:
                self._sock.sendall(data)
        except OSError:  # EPIPE, ECONNRESET: the engine is gone
            gone()

    def _decode(self, lines):
        """The messages of a chunk's lines: decoded in one go (a burst of executions is one JSON array to
        the decoder), or line by line when one of them is not JSON, to report it and keep the rest."""
        try:
            decoded = json.loads(b'[' + b','.join(lines) + b']')
        except ValueError:
            decoded = []
            for line in lines:
                try:
                    decoded.append(json.loads(line))
                except ValueError as e:
                    self._report('ignored a message that is not JSON (%s): %.200r' % (e, line))
        messages = []
        for message in decoded:
            if isinstance(message, dict) and isinstance(message.get('type'), str):
                messages.append(message)
            else:
                self._report('ignored a message without a type: %.200r' % (message,))
        return messages

    def _read(self):
        chunks = []
        while True:
            try:
                chunk = self._sock.recv(1 << 16)
            except OSError:
                chunk = b''
            if not chunk:
                gone()
            if b'\n' not in chunk:
                chunks.append(chunk)
                continue
            chunks.append(chunk)
            *lines, last = b''.join(chunks).split(b'\n')
            chunks = [last] if last else []
            messages = self._decode([line for line in lines if line.strip()])
            if messages:
                self._loop.call_soon_threadsafe(self._on_messages, messages)
