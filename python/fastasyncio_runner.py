"""Bootstrap of the FastAsyncio Python runner.

The engine starts it as ``python -u python/fastasyncio_runner.py`` with the project root as the
working directory. This file must stay parseable by any Python, Python 2 included, so that an old
interpreter gets a clear message (and exit status 3, ``TOO_OLD_EXIT_CODE`` in
``engine/run/python/protocol.ts``) instead of a syntax error from the package.
"""

import sys

MIN_VERSION = (3, 9)
TOO_OLD_EXIT_CODE = 3


def version_problem(version_info, executable):
    """The message for an interpreter older than MIN_VERSION, or None when it is recent enough."""
    if tuple(version_info[:2]) >= MIN_VERSION:
        return None
    version = '.'.join([str(part) for part in version_info[:3]])
    return 'fastasyncio needs Python %d.%d or later; %s is Python %s' % (MIN_VERSION + (executable, version))


if __name__ == '__main__':
    problem = version_problem(sys.version_info, sys.executable)
    if problem is not None:
        sys.stderr.write(problem + '\n')
        sys.exit(TOO_OLD_EXIT_CODE)
    from fastasyncio._runner import main

    main()
