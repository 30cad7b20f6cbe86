from __future__ import annotations

import asyncio

import pytest

from xcatalog.api.jobs import DiscoveryJobs, JobConflict, ProgressCallback
from xcatalog.api.schemas import JobStatus
from xcatalog.enrichment.model import CollectionOutcome, DiscoveryReport
from xcatalog.errors import NotRegistered
from xcatalog.registry.audit import AuditLog


def _report(*outcomes: CollectionOutcome) -> DiscoveryReport:
    return DiscoveryReport(resource_name="shop", namespace="shop", outcomes=list(outcomes))


async def test_a_job_reports_progress_registered_models_and_collection_errors() -> None:
    audit = AuditLog()
    jobs = DiscoveryJobs(audit)
    gate = asyncio.Event()
    seen: list[tuple[int, int, str]] = []

    async def run(progress: ProgressCallback) -> DiscoveryReport:
        progress(1, 2, "orders")
        seen.append((1, 2, "orders"))
        await gate.wait()
        progress(2, 2, "users")
        return _report(
            CollectionOutcome(collection="orders", ok=True, model="ns.models.shop.Order"),
            CollectionOutcome(collection="users", ok=False, stage="register", reason="AlreadyRegistered: taken"),
        )

    started = jobs.start("shop", "shop", run, role="admin")
    assert started.status is JobStatus.PENDING
    await asyncio.sleep(0)
    running = jobs.get(started.id)
    assert running.status is JobStatus.RUNNING
    assert (running.progress.done, running.progress.total, running.progress.current) == (1, 2, "orders")
    gate.set()
    finished = await jobs.wait(started.id)
    assert finished.status is JobStatus.SUCCEEDED
    assert finished.registered == ["ns.models.shop.Order"]
    assert [(e.collection, e.stage, e.reason) for e in finished.errors] == [
        ("users", "register", "AlreadyRegistered: taken")
    ]
    assert finished.progress.done == finished.progress.total == 2
    assert finished.started_at is not None and finished.finished_at is not None
    event = audit.events(action="discovery_job")[0]
    assert (event.role, event.detail["status"], event.detail["failed"]) == ("admin", "succeeded", 1)


async def test_a_failing_job_keeps_a_masked_reason() -> None:
    jobs = DiscoveryJobs(AuditLog())

    async def run(progress: ProgressCallback) -> DiscoveryReport:
        raise ConnectionError("no route to mongodb://app:hunter2@db:27017")

    job = await jobs.wait(jobs.start("shop", None, run).id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert "hunter2" not in job.error
    assert job.error.startswith("ConnectionError: ")


async def test_one_running_job_per_resource() -> None:
    jobs = DiscoveryJobs(AuditLog())
    gate = asyncio.Event()

    async def run(progress: ProgressCallback) -> DiscoveryReport:
        await gate.wait()
        return _report()

    first = jobs.start("shop", None, run)
    with pytest.raises(JobConflict, match=f"already running as job {first.id}") as caught:
        jobs.start("shop", None, run)
    assert caught.value.job_id == first.id
    other = jobs.start("crm", None, run)  # another resource may run meanwhile
    gate.set()
    await jobs.wait(first.id)
    await jobs.wait(other.id)
    again = jobs.start("shop", None, run)  # and the same one once it has finished
    assert (await jobs.wait(again.id)).status is JobStatus.SUCCEEDED


async def test_unknown_job_lists_recent_ids() -> None:
    jobs = DiscoveryJobs(AuditLog())

    async def run(progress: ProgressCallback) -> DiscoveryReport:
        return _report()

    job = jobs.start("shop", None, run)
    await jobs.wait(job.id)
    with pytest.raises(NotRegistered, match="No discovery job 'nope'") as caught:
        jobs.get("nope")
    assert caught.value.available == [job.id]


async def test_old_finished_jobs_are_forgotten() -> None:
    jobs = DiscoveryJobs(AuditLog(), max_jobs=2)

    async def run(progress: ProgressCallback) -> DiscoveryReport:
        return _report()

    ids = []
    for name in ("a", "b", "c"):
        job = jobs.start(name, None, run)
        await jobs.wait(job.id)
        ids.append(job.id)
    assert [job.id for job in jobs.jobs()] == ids[1:]


async def test_close_cancels_running_jobs() -> None:
    jobs = DiscoveryJobs(AuditLog())

    async def run(progress: ProgressCallback) -> DiscoveryReport:
        await asyncio.sleep(60)
        return _report()

    job = jobs.start("shop", None, run)
    await asyncio.sleep(0)
    await jobs.close()
    cancelled = jobs.get(job.id)
    assert cancelled.status is JobStatus.CANCELLED
    assert cancelled.finished_at is not None


async def test_returned_infos_are_copies() -> None:
    jobs = DiscoveryJobs(AuditLog())

    async def run(progress: ProgressCallback) -> DiscoveryReport:
        return _report()

    job = jobs.start("shop", None, run)
    job.registered.append("tampered")
    assert (await jobs.wait(job.id)).registered == []
