"""pool.map_jobs: results in job order on any number of workers; failures stop the pool."""

from __future__ import annotations

import os

import pytest

from codemods.run.pool import map_jobs


def _square_with_pid(offset: int, job: int) -> tuple[int, int]:
    return job * job + offset, os.getpid()


def _explode(_state: None, job: int) -> int:
    if job == 7:
        raise ValueError("job 7 failed")
    return job


def test_results_keep_job_order_whatever_the_weights():
    jobs = list(range(40))
    results = map_jobs(_square_with_pid, 1, jobs, 2, weight=lambda j: (j * 37) % 11)
    assert [r for r, _ in results] == [j * j + 1 for j in jobs]
    assert os.getpid() not in {pid for _, pid in results}  # ran on workers


def test_few_jobs_or_one_worker_run_in_process_with_progress():
    seen: list[tuple[int, int]] = []
    results = map_jobs(_square_with_pid, 0, [1, 2, 3], 4, progress=lambda d, t: seen.append((d, t)))
    assert [r for r, _ in results] == [1, 4, 9]
    assert {pid for _, pid in results} == {os.getpid()}
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_progress_reaches_the_total_on_a_pool():
    seen: list[tuple[int, int]] = []
    map_jobs(_square_with_pid, 0, list(range(20)), 2, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (20, 20)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_failing_job_raises_in_the_parent():
    with pytest.raises(ValueError, match="job 7 failed"):
        map_jobs(_explode, None, list(range(20)), 2)
