"""Seams between moto 5.0 and the newest 5.x: every import from moto internals lives here."""

from __future__ import annotations

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.core.utils import utcnow
from moto.moto_api import state_manager
from moto.moto_api._internal import mock_random
from moto.moto_api._internal.managed_state_model import ManagedState

__all__ = ["DEFAULT_ACCOUNT_ID", "ManagedState", "mock_random", "state_manager", "utcnow"]
