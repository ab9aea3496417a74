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
from .exceptions import CapacityConflict, TimeoutTooLong

# AWS defaults, from the model's documentation and the API reference (SPEC Appendix A).
LOG_GROUP_NAME = "/aws-glue/jobs"
MAX_CONCURRENT_RUNS = 1
EXECUTION_CLASS = "STANDARD"
JOB_MODE = "SCRIPT"
PYTHON_SHELL_CAPACITY = 0.0625  # CreateJob MaxCapacity: pythonshell default
SPARK_CAPACITY = 10.0  # CreateJob MaxCapacity: glueetl / gluestreaming default
MAX_TIMEOUT = 10080  # "Jobs must have timeout values less than 7 days or 10080 minutes."
DPU_PER_WORKER = {"G.025X": 0.25, "G.1X": 1.0, "G.2X": 2.0, "G.4X": 4.0, "G.8X": 8.0, "Z.2X": 2.0}


def check_run_request(members: Mapping[str, Any]) -> None:
    """The checks AWS makes on StartJobRun members beyond the model's constraints."""
    if members.get("AllocatedCapacity") is not None and members.get("MaxCapacity") is not None:
        raise CapacityConflict()
    timeout = members.get("Timeout")
    if timeout is not None and timeout > MAX_TIMEOUT:
        raise TimeoutTooLong(MAX_TIMEOUT)


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
    worker_type: str | None
    number_of_workers: int | None
    timeout: int
    security_configuration: str | None
    notification_property: Mapping[str, Any] | None
    glue_version: str
    execution_class: str
    job_mode: str
    job_run_queuing_enabled: bool | None
    maintenance_window: str | None
    profile_name: str | None
    execution_role_session_policy: str | None
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

    @property
    def auto_scaling(self) -> bool:
        return self.arguments.get("--enable-auto-scaling") == "true"

    def dpu_factor(self) -> float | None:
        """DPUs per worker when AWS reports DPUSeconds (FLEX or auto scaling), else None."""
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
    default_arguments: Mapping[str, str] = field(default_factory=dict)
    non_overridable_arguments: Mapping[str, str] = field(default_factory=dict)
    max_retries: int = 0
    max_concurrent_runs: int = MAX_CONCURRENT_RUNS
    allocated_capacity: int | None = None
    max_capacity: float | None = None
    worker_type: str | None = None
    number_of_workers: int | None = None
    timeout: int | None = None
    security_configuration: str | None = None
    notification_property: Mapping[str, Any] | None = None
    glue_version: str | None = None
    execution_class: str | None = None
    job_mode: str | None = None
    job_run_queuing_enabled: bool | None = None
    maintenance_window: str | None = None
    profile_name: str | None = None

    @classmethod
    def from_members(cls, members: Mapping[str, Any]) -> JobDefinition:
        """Build from CreateJob request members (or a stock moto job's ``as_dict()``)."""
        command = members.get("Command") or {}
        execution = members.get("ExecutionProperty") or {}
        concurrent = execution.get("MaxConcurrentRuns")
        return cls(
            name=members["Name"],
            command_name=command.get("Name") if isinstance(command, dict) else None,
            default_arguments=dict(members.get("DefaultArguments") or {}),
            non_overridable_arguments=dict(members.get("NonOverridableArguments") or {}),
            max_retries=members.get("MaxRetries") or 0,
            max_concurrent_runs=MAX_CONCURRENT_RUNS if concurrent is None else concurrent,
            allocated_capacity=members.get("AllocatedCapacity"),
            max_capacity=members.get("MaxCapacity"),
            worker_type=members.get("WorkerType"),
            number_of_workers=members.get("NumberOfWorkers"),
            timeout=members.get("Timeout"),
            security_configuration=members.get("SecurityConfiguration"),
            notification_property=members.get("NotificationProperty"),
            glue_version=members.get("GlueVersion"),
            execution_class=members.get("ExecutionClass"),
            job_mode=members.get("JobMode"),
            job_run_queuing_enabled=members.get("JobRunQueuingEnabled"),
            maintenance_window=members.get("MaintenanceWindow"),
            profile_name=members.get("ProfileName"),
        )

    def run_settings(
        self, overrides: Mapping[str, Any], arguments: Mapping[str, str] | None = None
    ) -> RunSettings:
        """Resolve a run's settings: ``overrides`` (JobRun member names), then the job,
        then AWS's defaults. ``arguments`` overlay DefaultArguments and are overlaid by
        NonOverridableArguments."""
        merged_arguments = {**self.default_arguments, **(arguments or {}), **self.non_overridable_arguments}
        given = {OVERRIDABLE[k]: v for k, v in overrides.items() if k in OVERRIDABLE and v is not None}
        glue_version = given.get("glue_version", self.glue_version) or default_glue_version()
        worker_type = given.get("worker_type", self.worker_type)
        workers = given.get("number_of_workers", self.number_of_workers)
        allocated, maximum = self._capacity(given, worker_type, workers)
        timeout = given.get("timeout", self.timeout)
        return RunSettings(
            arguments=merged_arguments,
            allocated_capacity=allocated,
            max_capacity=maximum,
            worker_type=worker_type,
            number_of_workers=workers,
            timeout=default_timeout(glue_version) if timeout is None else timeout,
            security_configuration=given.get("security_configuration", self.security_configuration),
            notification_property=given.get("notification_property", self.notification_property),
            glue_version=glue_version,
            execution_class=given.get("execution_class", self.execution_class) or EXECUTION_CLASS,
            job_mode=given.get("job_mode", self.job_mode) or JOB_MODE,
            job_run_queuing_enabled=given.get("job_run_queuing_enabled", self.job_run_queuing_enabled),
            maintenance_window=given.get("maintenance_window", self.maintenance_window),
            profile_name=given.get("profile_name", self.profile_name),
            execution_role_session_policy=given.get("execution_role_session_policy"),
            trigger_name=given.get("trigger_name"),
            log_group_name=given.get("log_group_name", LOG_GROUP_NAME),
        )

    def _capacity(
        self, given: Mapping[str, Any], worker_type: str | None, workers: int | None
    ) -> tuple[int, float]:
        """AllocatedCapacity and MaxCapacity as AWS reports them for a run."""
        if "max_capacity" in given or "allocated_capacity" in given:
            value = float(given.get("max_capacity", given.get("allocated_capacity")))
            allocated = given.get("allocated_capacity", int(value))
            return int(allocated), float(given.get("max_capacity", value))
        if worker_type is not None and workers is not None:
            dpus = DPU_PER_WORKER.get(worker_type, 1.0) * workers
            return int(dpus), float(dpus)
        job_value = self.max_capacity if self.max_capacity is not None else self.allocated_capacity
        if job_value is None:
            job_value = PYTHON_SHELL_CAPACITY if self.command_name == "pythonshell" else SPARK_CAPACITY
        return int(job_value), float(job_value)


def settings_key(settings: RunSettings) -> str:
    """A string equal for equal settings, so runs can share one settings object."""
    values = [getattr(settings, f.name) for f in fields(settings)]
    return json.dumps(values, sort_keys=True, default=dict)
