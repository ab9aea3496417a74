"""``require_moto_internals``: a moto that moved a piece the plugin needs fails once, clearly."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import moto
import moto.glue.models
import moto.glue.responses
import moto.glue.urls
import moto.moto_api._internal.managed_state_model
import moto.moto_api._internal.urls
import pytest

from moto_glue_jobruns import _compat
from moto_glue_jobruns._compat import MOTO_INTERNALS, require_moto_internals


@pytest.fixture
def unverified(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The check forgets it has passed for this test (and remembers again after)."""
    monkeypatch.setattr(_compat, "_verified", False)
    return monkeypatch


def test_require_moto_internals__passes_on_this_moto(unverified: pytest.MonkeyPatch) -> None:
    assert require_moto_internals() is None
    assert _compat._verified


def test_require_moto_internals__checks_once(unverified: pytest.MonkeyPatch) -> None:
    require_moto_internals()
    unverified.delattr(moto.glue.models, "glue_backends")
    require_moto_internals()  # already verified in this process: not checked again


REMOVALS: dict[str, tuple[Callable[[pytest.MonkeyPatch], None], str]] = {
    "glue url table entry": (
        lambda mp: mp.delitem(moto.glue.urls.url_paths, "{0}/$"),
        "moto.glue.urls.url_paths[{0}/$]",
    ),
    "glue backends": (
        lambda mp: mp.delattr(moto.glue.models, "glue_backends"),
        "moto.glue.models.glue_backends",
    ),
    "FakeJob": (lambda mp: mp.delattr(moto.glue.models, "FakeJob"), "moto.glue.models.FakeJob.as_dict"),
    "ManagedState.advance": (
        lambda mp: mp.delattr(moto.moto_api._internal.managed_state_model.ManagedState, "advance"),
        "moto.moto_api._internal.managed_state_model.ManagedState.advance",
    ),
    "moto-api routes": (
        lambda mp: mp.delattr(moto.moto_api._internal.urls, "url_paths"),
        "moto.moto_api._internal.urls.url_paths",
    ),
    "a whole module": (
        lambda mp: mp.setitem(sys.modules, "moto.glue.responses", None),
        "moto.glue.responses.GlueResponse.dispatch",
    ),
}


@pytest.mark.parametrize("removed", sorted(REMOVALS))
def test_require_moto_internals__names_moto_version_and_missing_piece(
    unverified: pytest.MonkeyPatch, removed: str
) -> None:
    remove, piece = REMOVALS[removed]
    remove(unverified)
    with pytest.raises(RuntimeError) as exc:
        require_moto_internals()
    message = str(exc.value)
    assert (
        f"cannot run on moto {moto.__version__}: it needs {piece}, which this moto does not have" in message
    )
    assert f"tested on moto {_compat.TESTED_MOTO}" in message
    assert not _compat._verified
    unverified.undo()
    require_moto_internals()  # back in place: passes


def test_require_moto_internals__lists_every_missing_piece(unverified: pytest.MonkeyPatch) -> None:
    unverified.delattr(moto.glue.models, "glue_backends")
    unverified.delitem(moto.glue.urls.url_paths, "{0}/$")
    with pytest.raises(
        RuntimeError,
        match=r"needs moto\.glue\.urls\.url_paths\[\{0\}/\$\], moto\.glue\.models\.glue_backends,",
    ):
        require_moto_internals()


def test_moto_internals__each_entry_names_a_module_and_a_use() -> None:
    assert all(module.startswith("moto.") and use for module, _, use in MOTO_INTERNALS)


def test_compat__a_moved_import_fails_at_import_with_the_same_message() -> None:
    code = (
        "import moto.core.utils as utils\n"
        "del utils.utcnow\n"
        "try:\n"
        "    import moto_glue_jobruns._compat\n"
        "except RuntimeError as error:\n"
        "    print(error)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert f"cannot run on moto {moto.__version__}: it needs moto.core.utils" in output.stdout
    assert "utcnow" in output.stdout
