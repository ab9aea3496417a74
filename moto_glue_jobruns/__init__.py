"""moto-glue-jobruns: moto serves AWS Glue GetJobRuns and the job-run lifecycle as AWS does.

Importing the package registers it with moto; ``unregister()`` restores stock moto.
"""

from __future__ import annotations

from ._registration import is_registered, register, unregister
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

register()
