"""What a run tells EventBridge, delivered through moto's own events backend.

When a run ends SUCCEEDED, FAILED, TIMEOUT or STOPPED, a "Glue Job State Change" event
goes to the default event bus of the run's account and region; a run still STARTING,
RUNNING or STOPPING past its ``NotifyDelayAfter`` sends one "Glue Job Run Status" event
per state. Shapes, severities and wording are those of AWS's documented examples
(CloudWatch Events User Guide, "AWS Glue Events"). ERROR and EXPIRED runs send nothing,
as AWS documents.

Every enabled rule on the bus with an event pattern that matches sends the event to each of its targets
through moto's ``Rule.send_to_targets``, one target at a time: a target moto cannot
deliver to (it raises for Lambda, SNS and Step Functions targets) is logged and skipped,
and never fails the run, the request, or the other targets and rules.
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime, timezone
from typing import Any

from ._compat import event_message, mock_random
from ._lifecycle import DelayNotice, RunContext, StateChange, Subscriber

SOURCE = "aws.glue"
STATE_CHANGE = "Glue Job State Change"
RUN_STATUS = "Glue Job Run Status"
BUS = "default"
# state -> (severity, message); a FAILED run's message names the run and its ErrorMessage
_STATE_CHANGES = {
    "SUCCEEDED": ("INFO", "Job run succeeded"),
    "FAILED": ("ERROR", "JobName:{job} and JobRunId:{run_id} failed to execute with exception {error}"),
    "TIMEOUT": ("WARN", "Job run timed out"),
    "STOPPED": ("INFO", "Job run stopped"),
}
_log = logging.getLogger(__name__)


class RunEventPublisher(Subscriber):
    """Puts a run's events on its account's default bus as the lifecycle announces them."""

    def state_changed(self, change: StateChange) -> None:
        announced = _STATE_CHANGES.get(change.state)
        if announced is None:
            return
        severity, message = announced
        run = change.run
        detail = {
            "jobName": change.context.job_name,
            "severity": severity,
            "state": change.state,
            "jobRunId": run.id,
            "message": message.format(job=change.context.job_name, run_id=run.id, error=run.error_message),
        }
        publish(change.context, STATE_CHANGE, detail, change.at)

    def delay_exceeded(self, notice: DelayNotice) -> None:
        run = notice.run
        detail = {
            "jobName": notice.context.job_name,
            "severity": "INFO",
            "notificationCondition": {"NotifyDelayAfter": notice.delay_minutes},
            "state": notice.state,
            "jobRunId": run.id,
            "message": f"Job is in {notice.state} state",
            "startedOn": _iso_millis(run.started_on),
        }
        publish(notice.context, RUN_STATUS, detail, notice.at)


def publish(context: RunContext, detail_type: str, detail: dict[str, Any], at: float) -> int:
    """Put one ``aws.glue`` event on the default bus; returns how many targets took it."""
    from moto.events.models import events_backends  # loaded with the first event

    try:  # moto's objects are typed differently from one 5.x to the next: use them as Any
        bus: Any = events_backends[context.account_id][context.region].describe_event_bus(BUS)
    except KeyError:  # a region moto's EventBridge does not serve
        return 0
    rules: list[Any] = [  # a rule with only a schedule matches no event (moto's would match all)
        rule for rule in bus.rules.values() if rule.state != "DISABLED" and rule.event_pattern.get_pattern()
    ]
    if not rules:
        return 0
    event = event_message(
        {
            "version": "0",
            "id": str(mock_random.uuid4()),
            "detail-type": detail_type,
            "source": SOURCE,
            "account": context.account_id,
            "time": at,  # epoch seconds: moto writes it out as AWS's ISO 8601 when it delivers
            "region": context.region,
            "resources": [],
            "detail": detail,
        },
        at,
    )
    delivered = 0
    for rule in rules:
        if rule.event_pattern.matches_event(event):
            delivered += sum(_deliver(rule, target, event) for target in list(rule.targets))
    return delivered


def _deliver(rule: Any, target: dict[str, Any], event: dict[str, Any]) -> bool:
    """Send ``event`` to one target of ``rule``, through moto, never raising."""
    one_target = copy.copy(rule)  # the rule as moto has it, with this target alone
    one_target.targets = [target]
    try:
        one_target.send_to_targets(copy.deepcopy(event))
    except Exception as error:  # moto raises for targets it does not model (Lambda, SNS, ...)
        _log.warning(
            "moto could not deliver the %r event of %s to target %s of rule %s: %s",
            event["detail-type"],
            event["detail"]["jobRunId"],
            target.get("Arn"),
            rule.name,
            error or type(error).__name__,
        )
        return False
    return True


def _iso_millis(epoch_seconds: float) -> str:
    """``2018-04-24T20:55:47.941Z``, as AWS writes a run's ``startedOn``."""
    moment = datetime.fromtimestamp(epoch_seconds, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


__all__ = ["RUN_STATUS", "SOURCE", "STATE_CHANGE", "RunEventPublisher", "publish"]
