"""The reference for ``npm run bench:python``: a job's graph scheduled in pure asyncio, in one process.

The seed ran a job stage by stage (``asyncio.gather`` of a stage, then the next). This is the seed's
approach without its stage barrier: a ready queue. Every task starts (``asyncio.create_task``) as soon
as all its dependencies have finished, with the dict of their results by task name as ``input_data``;
a task with no dependencies gets ``{}``. Each execution gets a new instance of its class, as in the
engine. No engine code is involved: the task classes are imported from the bench's temporary project
(``src/job/task/<class name in lower case>.py``, by the dotted name ``src.job.task.<module>``, with the
project root and ``src/`` on ``sys.path``, as the engine's runner does).

Usage: python3 python_reference.py <config file> <job> [--warmup N] [--reps N]

Prints one line of JSON: ``times_ms``, the time from the first task's start to the last task's finish
of each measured repetition (after ``--warmup`` unmeasured ones), ``import_ms`` (the task modules'
import, not in ``times_ms``), ``results`` (the last repetition's results), ``python`` and ``executable``.
"""

import argparse
import asyncio
import importlib
import json
import os
import sys
import time


def load_job(config_file, job_name):
    with open(config_file, encoding='utf-8') as f:
        config = json.load(f)
    for job in config['jobs']:
        if job['name'] == job_name:
            return job
    raise SystemExit('no job %r in %s' % (job_name, config_file))


def import_classes(root, tasks):
    """The task classes by class name, imported as the engine's runner would name their modules."""
    sys.path[:0] = [root, os.path.join(root, 'src')]
    classes = {}
    for task in tasks:
        class_name = task.get('task', task['name'])
        if class_name not in classes:
            module = importlib.import_module('src.job.task.%s' % class_name.lower())
            classes[class_name] = getattr(module, class_name)
    return classes


async def run_graph(tasks, classes):
    """Runs the graph once; returns (seconds from the first start to the last finish, results)."""
    loop = asyncio.get_running_loop()
    deps = {t['name']: t.get('dependencies', []) for t in tasks}
    cls_of = {t['name']: classes[t.get('task', t['name'])] for t in tasks}
    waiting = {name: len(d) for name, d in deps.items()}
    dependents = {name: [] for name in deps}
    for name, d in deps.items():
        for dep in d:
            dependents[dep].append(name)
    results = {}
    left = [len(tasks)]
    done = loop.create_future()
    keep = set()  # the running asyncio tasks (the loop only keeps weak references)

    def start(name):
        input_data = {dep: results[dep] for dep in deps[name]}
        task = asyncio.create_task(cls_of[name]().execute(input_data))
        keep.add(task)
        task.add_done_callback(lambda t, name=name: finished(name, t))

    def finished(name, task):
        keep.discard(task)
        if task.exception() is not None:
            if not done.done():
                done.set_exception(task.exception())
            return
        results[name] = task.result()
        for dependent in dependents[name]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                start(dependent)
        left[0] -= 1
        if left[0] == 0:
            done.set_result(time.perf_counter())

    t0 = time.perf_counter()
    for name, count in waiting.items():
        if count == 0:
            start(name)
    t1 = await done
    return t1 - t0, results


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('config')
    parser.add_argument('job')
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--reps', type=int, default=5)
    args = parser.parse_args()
    config_file = os.path.abspath(args.config)
    root = os.path.dirname(os.path.dirname(config_file))
    tasks = load_job(config_file, args.job)['tasks']
    t = time.perf_counter()
    classes = import_classes(root, tasks)
    import_ms = (time.perf_counter() - t) * 1000
    for _ in range(args.warmup):
        await run_graph(tasks, classes)
    times = []
    results = {}
    for _ in range(args.reps):
        seconds, results = await run_graph(tasks, classes)
        times.append(seconds * 1000)
    print(
        json.dumps(
            {
                'times_ms': times,
                'import_ms': import_ms,
                'results': results,
                'python': sys.version.split()[0],
                'executable': sys.executable,
            }
        )
    )


if __name__ == '__main__':
    asyncio.run(main())
