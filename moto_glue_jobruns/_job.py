"""Job definitions and the settings a run resolves from them.

A run's value for a member comes from the run (StartJobRun or seeding), then the job
definition, then AWS's documented default; the defaults are all in this module.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from ._shapes import default_glue_version
from .exceptions import CapacityConflict, CapacityWithWorkers, TimeoutTooLong

# AWS defaults, from the model's documentation and the API reference (SPEC Appendix A).
LOG_GROUP_NAME = "/aws-glue/jobs"
MAX_CONCURRENT_RUNS = 1
EXECUTION_CLASS = "STANDARD"
JOB_MODE = "SCRIPT"
PYTHON_SHELL_CAPACITY = 0.0625  # CreateJob MaxCapacity: pythonshell default
SPARK_CAPACITY = 10.0  # CreateJob MaxCapacity: glueetl / gluestreaming default
MAX_TIMEOUT = 10080  # "Jobs must have timeout values less than 7 days or 10080 minutes."
DPU_PER_WORKER = {"G.025X": 0.25, "G.1X": 1.0, "G.2X": 2.0, "G.4X": 4.0, "G.8X": 8.0, "Z.2X": 2.0}


# A capacity member and the name AWS's error text gives it.
_CAPACITIES = (("MaxCapacity", "Max Capacity"), ("AllocatedCapacity", "Allocated Capacity"))


def check_run_request(members: Mapping[str, Any]) -> None:
    """The checks AWS makes on StartJobRun members alone, beyond the model's constraints."""
    if members.get("AllocatedCapacity") is not None and members.get("MaxCapacity") is not None:
        raise CapacityConflict()
    check_capacity(members, workers=uses_workers(members))
    timeout = members.get("Timeout")
    if timeout is not None and timeout > MAX_TIMEOUT:
        raise TimeoutTooLong(MAX_TIMEOUT)


def check_job_members(members: Mapping[str, Any]) -> None:
    """CreateJob and UpdateJob: a definition sets a capacity or workers, not both."""
    check_capacity(members, workers=uses_workers(members))


def uses_workers(members: Mapping[str, Any]) -> bool:
    return members.get("WorkerType") is not None or members.get("NumberOfWorkers") is not None


def check_capacity(members: Mapping[str, Any], *, workers: bool) -> None:
    """``InvalidInputException`` if ``members`` set a capacity while ``workers`` are used."""
    if workers:
        for member, shown in _CAPACITIES:
            if members.get(member) is not None:
                raise CapacityWithWorkers(shown)


def default_timeout(glue_version: str) -> int:
    """2,880 minutes up to Glue 4.0, 480 from Glue 5.0 (the model's Timeout docs)."""
    major = glue_version.split(".", 1)[0]
    return 480 if major.isdigit() and int(major) >= 5 else 2880


@dataclass(frozen=True)
class RunSettings:
    """What a run inherits from its job and its start request; shared by equal runs."""

    arguments: Mapping[str, str]
    allocated_capacity: int
    max_capacity: float
    timeout: int
    glue_version: str
    execution_class: str
    job_mode: str
    worker_type: str | None = None
    number_of_workers: int | None = None
    security_configuration: str | None = None
    notification_property: Mapping[str, Any] | None = None
    job_run_queuing_enabled: bool | None = None
    maintenance_window: str | None = None
    profile_name: str | None = None
    execution_role_session_policy: str | None = None
    trigger_name: str | None = None
    log_group_name: str = LOG_GROUP_NAME

    @functools.cached_property
    def members(self) -> dict[str, Any]:
        """The JobRun members these settings contribute, in AWS's member names.

        Computed once per settings object; callers must not modify it."""
        members: dict[str, Any] = {
            "JobMode": self.job_mode,
            "Arguments": dict(self.arguments),
            "TriggerName": self.trigger_name,
            "AllocatedCapacity": self.allocated_capacity,
            "Timeout": self.timeout,
            "MaxCapacity": self.max_capacity,
            "WorkerType": self.worker_type,
            "NumberOfWorkers": self.number_of_workers,
            "SecurityConfiguration": self.security_configuration,
            "LogGroupName": self.log_group_name,
            "NotificationProperty": (
                dict(self.notification_property) if self.notification_property else None
            ),
            "GlueVersion": self.glue_version,
            "ExecutionClass": self.execution_class,
            "MaintenanceWindow": self.maintenance_window,
            "ProfileName": self.profile_name,
            "JobRunQueuingEnabled": self.job_run_queuing_enabled,
            "ExecutionRoleSessionPolicy": self.execution_role_session_policy,
        }
        return {key: value for key, value in members.items() if value is not None}

    @functools.cached_property
    def notify_delay_after(self) -> float | None:
        """``NotificationProperty.NotifyDelayAfter``: minutes after its start that a run
        still live is announced ("Glue Job Run Status"); None when not set."""
        delay = (self.notification_property or {}).get("NotifyDelayAfter")
        return None if delay is None else float(delay)

    @property
    def auto_scaling(self) -> bool:
        return self.arguments.get("--enable-auto-scaling") == "true"

    @functools.cached_property
    def dpu_factor(self) -> float | None:
        """DPUs per worker when AWS reports DPUSeconds (FLEX or auto scaling), else None.

        Computed once per settings object, which many runs share."""
        if self.execution_class != "FLEX" and not self.auto_scaling:
            return None
        if self.worker_type is None or self.number_of_workers is None:
            return None
        return DPU_PER_WORKER.get(self.worker_type, 1.0) * self.number_of_workers


# StartJobRun / JobRun member name -> RunSettings field it overrides.
OVERRIDABLE = {
    "AllocatedCapacity": "allocated_capacity",
    "MaxCapacity": "max_capacity",
    "WorkerType": "worker_type",
    "NumberOfWorkers": "number_of_workers",
    "Timeout": "timeout",
    "SecurityConfiguration": "security_configuration",
    "NotificationProperty": "notification_property",
    "GlueVersion": "glue_version",
    "ExecutionClass": "execution_class",
    "JobMode": "job_mode",
    "JobRunQueuingEnabled": "job_run_queuing_enabled",
    "MaintenanceWindow": "maintenance_window",
    "ProfileName": "profile_name",
    "ExecutionRoleSessionPolicy": "execution_role_session_policy",
    "TriggerName": "trigger_name",
    "LogGroupName": "log_group_name",
}


@dataclass(frozen=True, slots=True)
class JobDefinition:
    """The members of a Glue job that shape its runs, parsed once from CreateJob."""

    name: str
    command_name: str | None = None
    script_location: str | None = None
    default_arguments: Mapping[str, str] = field(default_factory=dict)
    non_overridable_arguments: Mapping[str, str] = field(default_factory=dict)
    max_retries: int = 0
    max_concurrent_runs: int = MAX_CONCURRENT_RUNS
    run_defaults: Mapping[str, Any] = field(default_factory=dict)  # RunSettings field -> job value

    @classmethod
    def from_members(cls, members: Mapping[str, Any]) -> JobDefinition:
        """Build from CreateJob request members (or a stock moto job's ``as_dict()``)."""
        command = members.get("Command") or {}
        execution = members.get("ExecutionProperty") or {}
        concurrent = execution.get("MaxConcurrentRuns")
        return cls(
            name=members["Name"],
            command_name=command.get("Name") if isinstance(command, dict) else None,
            script_location=command.get("ScriptLocation") if isinstance(command, dict) else None,
            default_arguments=dict(members.get("DefaultArguments") or {}),
            non_overridable_arguments=dict(members.get("NonOverridableArguments") or {}),
            max_retries=members.get("MaxRetries") or 0,
            max_concurrent_runs=MAX_CONCURRENT_RUNS if concurrent is None else concurrent,
            run_defaults=_settings_fields(members),
        )

    @property
    def uses_workers(self) -> bool:
        defaults = self.run_defaults
        return defaults.get("worker_type") is not None or defaults.get("number_of_workers") is not None

    def check_start(self, members: Mapping[str, Any]) -> None:
        """StartJobRun members against this job: a capacity the request sets may not meet
        workers the job defines. (The request's own workers replace a capacity the job
        defines, as they replace the MaxCapacity AWS derives for a job with workers.)"""
        check_capacity(members, workers=self.uses_workers)

    def run_settings(
        self, overrides: Mapping[str, Any], arguments: Mapping[str, str] | None = None
    ) -> RunSettings:
        """Resolve a run's settings: ``overrides`` (JobRun member names), then the job,
        then AWS's defaults. ``arguments`` overlay DefaultArguments and are overlaid by
        NonOverridableArguments."""
        given = _settings_fields(overrides)
        chosen = {**self.run_defaults, **given}
        glue_version = chosen.get("glue_version") or default_glue_version()
        timeout = chosen.get("timeout")
        allocated, maximum = self._capacity(given, chosen)
        return RunSettings(
            **{
                **chosen,
                "arguments": {
                    **self.default_arguments,
                    **(arguments or {}),
                    **self.non_overridable_arguments,
                },
                "allocated_capacity": allocated,
                "max_capacity": maximum,
                "glue_version": glue_version,
                "timeout": default_timeout(glue_version) if timeout is None else timeout,
                "execution_class": chosen.get("execution_class") or EXECUTION_CLASS,
                "job_mode": chosen.get("job_mode") or JOB_MODE,
            }
        )

    def _capacity(self, given: Mapping[str, Any], chosen: Mapping[str, Any]) -> tuple[int, float]:
        """AllocatedCapacity and MaxCapacity as AWS reports them: the run's capacity, else
        its workers' DPUs, else the job's capacity, else the command's default."""
        for source in (given, chosen):
            if "max_capacity" in source or "allocated_capacity" in source:
                maximum = float(source.get("max_capacity", source.get("allocated_capacity")))
                return int(source.get("allocated_capacity", maximum)), maximum
            if source.get("worker_type") is not None and chosen.get("number_of_workers") is not None:
                dpus = DPU_PER_WORKER.get(source["worker_type"], 1.0) * chosen["number_of_workers"]
                return int(dpus), float(dpus)
        default = PYTHON_SHELL_CAPACITY if self.command_name == "pythonshell" else SPARK_CAPACITY
        return int(default), default


def _settings_fields(members: Mapping[str, Any]) -> dict[str, Any]:
    """The RunSettings fields named by JobRun/CreateJob ``members`` that are set."""
    return {
        OVERRIDABLE[key]: value for key, value in members.items() if key in OVERRIDABLE and value is not None
    }


def settings_key(settings: RunSettings) -> str:
    """A string equal for equal settings, so runs can share one settings object."""
    values = [getattr(settings, f.name) for f in fields(settings)]
    return json.dumps(values, sort_keys=True, default=dict)
