"""boto3's GetJobRuns paginator and its PaginationConfig, in process."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import JobFactory

from moto_glue_jobruns import seed_job_runs


@pytest.fixture
def newest_first(make_job: JobFactory) -> list[str]:
    """Seven runs of ``nightly``, a minute apart; their Ids newest first."""
    make_job("nightly")
    return seed_job_runs("nightly", [{"StartedOn": 1_800_000_000 + 60 * i} for i in range(7)])[::-1]


def ids(pages: Any) -> list[str]:
    return [run["Id"] for page in pages for run in page["JobRuns"]]


def test_paginator__page_size_sets_each_page(glue: Any, newest_first: list[str]) -> None:
    pages = list(
        glue.get_paginator("get_job_runs").paginate(JobName="nightly", PaginationConfig={"PageSize": 3})
    )
    assert [len(page["JobRuns"]) for page in pages] == [3, 3, 1]


def test_paginator__max_items_stops_early_with_a_token(glue: Any, newest_first: list[str]) -> None:
    result = (
        glue.get_paginator("get_job_runs")
        .paginate(JobName="nightly", PaginationConfig={"MaxItems": 4, "PageSize": 3})
        .build_full_result()
    )
    assert [run["Id"] for run in result["JobRuns"]] == newest_first[:4]
    assert result["NextToken"]


def test_paginator__starting_token_resumes_where_max_items_stopped(
    glue: Any, newest_first: list[str]
) -> None:
    paginator = glue.get_paginator("get_job_runs")
    first = paginator.paginate(
        JobName="nightly", PaginationConfig={"MaxItems": 4, "PageSize": 3}
    ).build_full_result()
    rest = paginator.paginate(
        JobName="nightly", PaginationConfig={"StartingToken": first["NextToken"], "PageSize": 3}
    )
    assert ids(rest) == newest_first[4:]


def test_paginator__max_items_on_a_page_boundary(glue: Any, newest_first: list[str]) -> None:
    paginator = glue.get_paginator("get_job_runs")
    first = paginator.paginate(
        JobName="nightly", PaginationConfig={"MaxItems": 3, "PageSize": 3}
    ).build_full_result()
    rest = paginator.paginate(JobName="nightly", PaginationConfig={"StartingToken": first["NextToken"]})
    assert [run["Id"] for run in first["JobRuns"]] + ids(rest) == newest_first
