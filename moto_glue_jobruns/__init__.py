"""moto-glue-jobruns: moto serves AWS Glue GetJobRuns and the job-run lifecycle as AWS does.

Installing or importing the package changes nothing: a test opts in with the
``mock_glue_job_runs`` decorator or context manager, the pytest fixtures and marker, the
``--glue-job-runs`` option (ini ``glue_job_runs = true``), or ``register()`` for the whole
process. Without any of them moto is stock moto.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._registration import is_registered, mock_glue_job_runs, register, unregister

if TYPE_CHECKING:
    from ._executor import execute_job_scripts
    from .seeding import seed_job_runs, set_run_outcomes

__version__ = "0.2.0"
__all__ = [
    "__version__",
    "execute_job_scripts",
    "is_registered",
    "mock_glue_job_runs",
    "register",
    "seed_job_runs",
    "set_run_outcomes",
    "unregister",
]


def __getattr__(name: str) -> Any:
    """``seed_job_runs``, ``set_run_outcomes`` and ``execute_job_scripts`` load on first use,
    keeping import cheap."""
    if name in ("seed_job_runs", "set_run_outcomes"):
        from . import seeding

        return getattr(seeding, name)
    if name == "execute_job_scripts":
        from . import _executor

        return _executor.execute_job_scripts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
