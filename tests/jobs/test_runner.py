"""The job runner: jobs claimed once across processes, each in a child process with a memory
limit whose death fails the job and never the server."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest
from sqlalchemy import select

from sunlight.appdb.job_tables import JOB_DONE, JOB_FAILED, JOB_RUNNING, Job
from sunlight.jobs import queue
from sunlight.jobs.kinds import KINDS, JobKind
from sunlight.jobs.runner import JobRunner
from tests.web.conftest import StaffApp, make_staff_app

TEST_KINDS = {
    "test.note": JobKind("tests.jobs.kinds_for_tests:note", "tests.jobs.kinds_for_tests:cut_off"),
    "test.hog": JobKind("tests.jobs.kinds_for_tests:hog", "tests.jobs.kinds_for_tests:cut_off"),
}


@pytest.fixture(autouse=True)
def test_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    for kind, spec in TEST_KINDS.items():
        monkeypatch.setitem(KINDS, kind, spec)


def queue_jobs(app: StaffApp, kind: str, payloads: list[dict[str, object]]) -> list[int]:
    with app.session() as session:
        ids = [queue.enqueue(session, kind, payload, "analyst").id for payload in payloads]
        session.commit()
    return ids


def jobs(app: StaffApp) -> list[Job]:
    with app.session() as session:
        return list(session.scalars(select(Job).order_by(Job.id)))


def test_two_app_instances_over_one_database_run_each_job_once(staff_app_both: StaffApp):
    url = staff_app_both.settings.database_url or ""
    other = make_staff_app(staff_app_both.settings.home, url, with_accounts=False)
    ids = queue_jobs(staff_app_both, "test.note", [{"seconds": 0.2}] * 6)
    runners: list[JobRunner] = [staff_app_both.app.state.jobs, other.app.state.jobs]
    for runner in runners:
        runner.kick()
    assert all(runner.wait(120) for runner in runners)
    ran = Counter(int(line.split()[0]) for line in
                  (staff_app_both.settings.home / "ran.txt").read_text().splitlines())
    assert ran == Counter(ids)  # every job once, none twice
    assert {job.status for job in jobs(staff_app_both)} == {JOB_DONE}
    other.app.state.engine.dispose()


def test_a_job_over_the_memory_limit_fails_and_the_app_keeps_answering(staff_app: StaffApp):
    staff_app.settings.job_memory_mb = 64
    queue_jobs(staff_app, "test.hog", [{"mb": 512}])
    assert staff_app.app.state.jobs.wait(120)
    [job] = jobs(staff_app)
    assert job.status == JOB_FAILED and "内存上限（64 MB）" in job.error
    assert staff_app.client().get("/healthz").json() == {"status": "ok"}


def test_a_killed_job_process_fails_the_job_with_the_reason(staff_app: StaffApp):
    [job_id] = queue_jobs(staff_app, "test.note", [{"seconds": 60}])
    staff_app.app.state.jobs.kick()
    deadline = time.monotonic() + 60
    pid = 0
    while not pid and time.monotonic() < deadline:  # until the child has the job
        [job] = jobs(staff_app)
        if job.status == JOB_RUNNING and (staff_app.settings.home / "ran.txt").exists():
            pid = int(job.runner.split(":")[1])
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    assert staff_app.app.state.jobs.wait(60)
    [job] = jobs(staff_app)
    assert job.id == job_id and job.status == JOB_FAILED
    assert job.error.startswith("cut off: 任务进程被系统终止（信号 9）")
    assert staff_app.client().get("/healthz").json() == {"status": "ok"}
