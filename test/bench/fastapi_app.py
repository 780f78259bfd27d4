"""The seed's stack for `npm run bench:http`: FastAPI + uvicorn serving the same two endpoints as
`fastasyncio serve`, from memory.

- GET /runs/{run_id}: a stored run summary (the bench stores the one our server answered for a real run).
- POST /jobs/{job}/runs: validates the optional body ({"concurrency": N}), stores a new "running"
  summary, answers 202 with a Location as ours does, and runs the job inside its own event loop, as the
  seed did: each task's `execute` awaited (ours runs it in a worker process).
- GET /runs/{run_id}/events: the run's events as server-sent events, ending with `run-finished` once
  the run has ended, as ours streams them.

Run by the bench as: BENCH_SUMMARY_FILE=... /usr/bin/python3 -m uvicorn fastapi_app:app --app-dir test/bench
"""

import asyncio
import json
import os
import secrets
import time
from typing import Optional

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Extra, conint

with open(os.environ["BENCH_SUMMARY_FILE"], encoding="utf-8") as f:
    SUMMARY = json.load(f)

RUNS = {SUMMARY["runId"]: SUMMARY}
#: The runs going on: their end, awaited by event streams.
ENDED = {}


class Noop:
    """The no-op job's task, as the seed's tasks are: an async `execute` given its inputs."""

    async def execute(self, input_data=None):
        return None


async def run_job(run_id):
    """Runs the job's tasks in this event loop (the no-op job has one task and no dependencies)."""
    run = RUNS[run_id]
    start = time.perf_counter()
    for name, task in run["tasks"].items():
        task["status"] = "running"
        task["attempts"] = 1
        began = time.perf_counter()
        run["results"][name] = await Noop().execute({})
        task["durationMs"] = (time.perf_counter() - began) * 1000
        task["status"] = "succeeded"
    run["durationMs"] = (time.perf_counter() - start) * 1000
    run["status"] = "succeeded"
    ended = ENDED.get(run_id)
    if ended is not None:
        ended.set()
JOBS = {SUMMARY["job"]}
KEEP = 1000

app = FastAPI()


class RunRequest(BaseModel):
    concurrency: Optional[conint(ge=1, le=10000)] = None

    class Config:
        extra = Extra.forbid


def problem(status: int, title: str, detail: str, instance: str) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


@app.get("/runs/{run_id}")
async def get_run(run_id: str):
    run = RUNS.get(run_id)
    if run is None:
        return problem(404, "No such run", f'no run "{run_id}"', f"/runs/{run_id}")
    return run


@app.post("/jobs/{job}/runs", status_code=202)
async def start_run(job: str, response: Response, body: Optional[RunRequest] = None):
    if job not in JOBS:
        return problem(404, "No such job", f'no job "{job}"', f"/jobs/{job}/runs")
    run_id = time.strftime("%Y%m%dT%H%M%S000Z", time.gmtime()) + "-" + secrets.token_hex(3)
    tasks = {name: {"status": "pending", "attempts": 0, "durationMs": 0} for name in SUMMARY["tasks"]}
    RUNS[run_id] = {"job": job, "runId": run_id, "status": "running", "durationMs": 0, "tasks": tasks, "results": {}}
    if len(RUNS) > KEEP:
        oldest = next(k for k in RUNS if k != SUMMARY["runId"])
        del RUNS[oldest]
        ENDED.pop(oldest, None)
    ENDED[run_id] = asyncio.Event()
    asyncio.get_running_loop().create_task(run_job(run_id))
    response.headers["Location"] = f"/runs/{run_id}"
    return {"runId": run_id, "job": job, "status": "running", "configVersion": 1, "href": f"/runs/{run_id}", "events": f"/runs/{run_id}/events"}


@app.get("/runs/{run_id}/events")
async def run_events(run_id: str):
    run = RUNS.get(run_id)
    if run is None:
        return problem(404, "No such run", f'no run "{run_id}"', f"/runs/{run_id}/events")

    async def stream():
        started = {"type": "run-started", "runId": run_id, "seq": 1, "job": run["job"]}
        yield f"id: 1\ndata: {json.dumps(started, separators=(',', ':'))}\n\n"
        ended = ENDED.get(run_id)
        if ended is not None:
            await ended.wait()
            ENDED.pop(run_id, None)
        summary = {k: v for k, v in run.items() if k != "results"}
        finished = {"type": "run-finished", "runId": run_id, "seq": 2, "status": run["status"], "durationMs": run["durationMs"], "summary": summary}
        yield f"id: 2\ndata: {json.dumps(finished, separators=(',', ':'))}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream")
