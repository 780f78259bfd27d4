"""The seed's stack for `npm run bench:http`: FastAPI + uvicorn serving the same two endpoints as
`fastasyncio serve`, from memory.

- GET /runs/{run_id}: a stored run summary (the bench stores the one our server answered for a real run).
- POST /jobs/{job}/runs: validates the optional body ({"concurrency": N}), stores a new "running"
  summary and answers 202 with a Location, as ours does (ours also starts a worker process).

Run by the bench as: BENCH_SUMMARY_FILE=... /usr/bin/python3 -m uvicorn fastapi_app:app --app-dir test/bench
"""

import json
import os
import secrets
import time
from typing import Optional

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Extra, conint

with open(os.environ["BENCH_SUMMARY_FILE"], encoding="utf-8") as f:
    SUMMARY = json.load(f)

RUNS = {SUMMARY["runId"]: SUMMARY}
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
    response.headers["Location"] = f"/runs/{run_id}"
    return {"runId": run_id, "job": job, "status": "running", "configVersion": 1, "href": f"/runs/{run_id}", "events": f"/runs/{run_id}/events"}
