"""Background discovery jobs: an id to poll, progress, and per-collection errors.

The seed started discovery with FastAPI's ``BackgroundTasks`` and returned
nothing to follow it by. :class:`DiscoveryJobs` runs each discovery as an
:mod:`asyncio` task on the server's loop instead and keeps a :class:`JobInfo`
for it: status, collections done out of total, the models registered, and why
each failing collection failed. One discovery per resource runs at a time (a
second request gets 409 with the running job's id). Finished jobs are kept up
to ``max_jobs``, oldest dropped first; :meth:`DiscoveryJobs.close` cancels
what still runs when the server stops.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from xcatalog.api.schemas import CollectionError, JobInfo, JobProgress, JobStatus
from xcatalog.enrichment.model import DiscoveryReport
from xcatalog.errors import AlreadyRegistered, NotRegistered, format_choices, redact
from xcatalog.registry.audit import AuditLog

__all__ = ["DiscoveryJobs", "DiscoveryRun", "JobConflict", "ProgressCallback"]

logger = logging.getLogger("xcatalog.api")

#: ``progress(done, total, collection)``, as :meth:`EnrichedRegistry.discover_and_register` calls it.
ProgressCallback = Callable[[int, int, str], None]
#: The work of one job: given a progress callback, discover and return the report.
DiscoveryRun = Callable[[ProgressCallback], Awaitable[DiscoveryReport]]

_FINISHED = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


class JobConflict(AlreadyRegistered):
    """A discovery of the same resource is already running (HTTP 409).

    Attributes:
        job_id: The running job.
    """

    def __init__(self, message: str, *, job_id: str) -> None:
        super().__init__(message)
        self.job_id = job_id
        self.name = job_id


def _now() -> datetime:
    return datetime.now(UTC)


class DiscoveryJobs:
    """The discovery jobs of one server.

    Args:
        audit: Where each job's end is recorded (action ``discovery_job``, kind ``api``).
        max_jobs: How many jobs to remember; the oldest finished ones are forgotten first.
    """

    def __init__(self, audit: AuditLog, *, max_jobs: int = 100) -> None:
        self.audit = audit
        self.max_jobs = max(max_jobs, 1)
        self._jobs: dict[str, JobInfo] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, resource: str, namespace: str | None, run: DiscoveryRun, *, role: str | None = None) -> JobInfo:
        """Start a job on the running loop and return its info (status ``pending``).

        Args:
            resource: The resource's name (one running job per resource).
            namespace: Where the models go (for the record).
            run: The discovery itself.
            role: Who started it (for the audit trail).

        Raises:
            JobConflict: A job for ``resource`` is still running.
        """
        for job in self._jobs.values():
            if job.resource == resource and job.status not in _FINISHED:
                raise JobConflict(
                    f"A discovery of resource '{resource}' is already running as job {job.id}. "
                    f"Poll /api/discovery/jobs/{job.id} and start a new one when it has finished.",
                    job_id=job.id,
                )
        job = JobInfo(
            id=uuid.uuid4().hex, resource=resource, namespace=namespace, status=JobStatus.PENDING, created_at=_now()
        )
        self._jobs[job.id] = job
        self._forget_old()
        self._tasks[job.id] = asyncio.get_running_loop().create_task(
            self._run(job, run, role), name=f"xcatalog-discovery-{job.id}"
        )
        return job.model_copy(deep=True)

    async def _run(self, job: JobInfo, run: DiscoveryRun, role: str | None) -> None:
        job.status = JobStatus.RUNNING
        job.started_at = _now()

        def progress(done: int, total: int, collection: str) -> None:
            job.progress = JobProgress(done=done, total=total, current=collection)

        try:
            report = await run(progress)
        except asyncio.CancelledError:
            job.status = JobStatus.CANCELLED
            job.error = "The job was cancelled (the server is stopping)."
            raise
        except Exception as exc:  # the job reports its failure; the server goes on
            job.status = JobStatus.FAILED
            job.error = redact(f"{type(exc).__name__}: {exc}")
            logger.warning("Discovery job %s of %s failed: %s", job.id, job.resource, job.error)
        else:
            job.status = JobStatus.SUCCEEDED
            job.namespace = report.namespace
            job.registered = report.registered
            job.errors = [
                CollectionError(collection=outcome.collection, stage=outcome.stage, reason=outcome.reason or "unknown")
                for outcome in report.outcomes
                if not outcome.ok
            ]
            job.progress = JobProgress(
                done=len(report.outcomes), total=len(report.outcomes), current=job.progress.current
            )
        finally:
            job.finished_at = _now()
            self._tasks.pop(job.id, None)
            self.audit.record(
                "discovery_job",
                job.resource,
                kind="api",
                role=role,
                allowed=job.status is JobStatus.SUCCEEDED,
                job=job.id,
                status=job.status.value,
                registered=len(job.registered),
                failed=len(job.errors),
            )

    def _forget_old(self) -> None:
        finished = [job_id for job_id, job in self._jobs.items() if job.status in _FINISHED]
        while len(self._jobs) > self.max_jobs and finished:
            del self._jobs[finished.pop(0)]

    def get(self, job_id: str) -> JobInfo:
        """A copy of a job's info.

        Raises:
            NotRegistered: No job with that id (finished jobs are forgotten after ``max_jobs`` newer ones).
        """
        job = self._jobs.get(job_id)
        if job is None:
            recent = list(self._jobs)[-10:]
            raise NotRegistered(
                f"No discovery job {job_id!r}. Recent jobs: {format_choices(recent)}. "
                "Start one with POST /api/discovery/resources/{resource}/discover.",
                name=job_id,
                available=recent,
            )
        return job.model_copy(deep=True)

    def jobs(self) -> list[JobInfo]:
        """Copies of every remembered job, oldest first."""
        return [job.model_copy(deep=True) for job in self._jobs.values()]

    async def wait(self, job_id: str) -> JobInfo:
        """Wait for a job to finish and return its info (for scripts and tests on the server's loop)."""
        task = self._tasks.get(job_id)
        if task is not None:
            await asyncio.wait({task})
        return self.get(job_id)

    async def close(self) -> None:
        """Cancel the jobs still running and wait for them to end."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
