"""moto-glue-jobruns: moto serves AWS Glue GetJobRuns and the job-run lifecycle as AWS does.

Importing the package registers it with moto; ``unregister()`` restores stock moto.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._registration import is_registered, register, unregister

if TYPE_CHECKING:
    from .seeding import seed_job_runs, set_run_outcomes

__version__ = "0.1.0"
__all__ = [
    "__version__",
    "is_registered",
    "register",
    "seed_job_runs",
    "set_run_outcomes",
    "unregister",
]


def __getattr__(name: str) -> Any:
    """``seed_job_runs`` and ``set_run_outcomes`` load on first use, keeping import cheap."""
    if name in ("seed_job_runs", "set_run_outcomes"):
        from . import seeding

        return getattr(seeding, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


register()
