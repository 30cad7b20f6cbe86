from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from xcatalog.api.schemas import ExecuteRequest, JobInfo, JobStatus, ModelInfo, TypeValidationRequest


def test_model_info_puts_the_json_schema_under_the_seed_name() -> None:
    info = ModelInfo(
        name="P",
        source="static",
        namespace="shop",
        path="ns.models.shop.P",
        version="1.0.0",
        json_schema={"type": "object"},
    )
    assert info.model_dump(by_alias=True)["schema"] == {"type": "object"}
    assert ModelInfo.model_validate(info.model_dump(by_alias=True)).json_schema == {"type": "object"}


@pytest.mark.parametrize("model", [ExecuteRequest, TypeValidationRequest])
def test_request_bodies_refuse_unknown_keys(model: type[ExecuteRequest] | type[TypeValidationRequest]) -> None:
    with pytest.raises(ValidationError, match="role"):
        model.model_validate({"role": "admin"})


def test_execute_request_defaults() -> None:
    assert ExecuteRequest().model_dump() == {"args": [], "kwargs": {}}


def test_job_info_round_trips_through_json() -> None:
    job = JobInfo(id="j", resource="shop", status=JobStatus.RUNNING, created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert JobInfo.model_validate_json(job.model_dump_json()) == job
