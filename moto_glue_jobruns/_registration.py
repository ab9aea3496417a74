"""Registering the plugin with moto, and restoring stock moto.

One routing point serves both moto's decorator and its server: the Glue URL table
(``moto.glue.urls``) that moto reads on every request. The server-mode seeding and outcome
routes are added to moto's own ``/moto-api`` table.

Importing moto's Glue costs about 60 ms (its models pull in pyparsing), and a test run that
never touches Glue should not pay it. So registering does not import those tables: a table
moto has already loaded is patched at once, one it has not is patched the moment moto
imports it, by a small import hook. The plugin's own modules load on the first request.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from moto.core.common_types import TYPE_RESPONSE

_GLUE_URLS = "moto.glue.urls"
_API_URLS = "moto.moto_api._internal.urls"
_GLUE_PATH = "{0}/$"
_SEED_PATH = "{0}/moto-api/glue-jobruns/seed"
_OUTCOMES_PATH = "{0}/moto-api/glue-jobruns/outcomes"
_LOCK = threading.RLock()
_active = False
_original: dict[str, Any] = {}  # stock moto's Glue handler, while it is replaced


def glue_dispatch(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    """What moto's Glue URL table points at while the plugin is registered."""
    from .responses import JobRunResponse

    return JobRunResponse.dispatch(request, full_url, headers)


def seed_route(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    from .seeding import seed_endpoint

    return seed_endpoint(request, full_url, headers)


def outcomes_route(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    from .seeding import outcomes_endpoint

    return outcomes_endpoint(request, full_url, headers)


API_ROUTES = {_SEED_PATH: seed_route, _OUTCOMES_PATH: outcomes_route}


def is_registered() -> bool:
    """True while moto serves Glue job runs through this plugin."""
    return _active


def register() -> None:
    """Make moto serve Glue job runs through this plugin. Idempotent and thread-safe."""
    global _active
    with _LOCK:
        if _active:
            return
        _active = True
        _when_imported(_GLUE_URLS, _patch_glue)
        _when_imported(_API_URLS, _patch_api)


def unregister() -> None:
    """Restore stock moto's Glue exactly as it was before ``register()``."""
    global _active
    with _LOCK:
        if not _active:
            return
        _active = False
        _HOOK.pending.clear()
        if _GLUE_PATH in _original:
            sys.modules[_GLUE_URLS].url_paths[_GLUE_PATH] = _original.pop(_GLUE_PATH)
        if _API_URLS in sys.modules:
            for path in API_ROUTES:
                sys.modules[_API_URLS].url_paths.pop(path, None)


def _patch_glue(module: ModuleType) -> None:
    with _LOCK:
        if _active and _GLUE_PATH not in _original:
            _original[_GLUE_PATH] = module.url_paths[_GLUE_PATH]
            module.url_paths[_GLUE_PATH] = glue_dispatch


def _patch_api(module: ModuleType) -> None:
    with _LOCK:
        if _active:
            module.url_paths.update(API_ROUTES)


def _when_imported(name: str, patch: Callable[[ModuleType], None]) -> None:
    """Run ``patch`` on module ``name`` now if it is loaded, else right after it loads."""
    module = sys.modules.get(name)
    if module is not None and getattr(module, "url_paths", None) is not None:
        patch(module)
        return
    _HOOK.pending[name] = patch
    if _HOOK not in sys.meta_path:
        sys.meta_path.insert(0, _HOOK)


class _PatchAfterImport(importlib.abc.MetaPathFinder):
    """Finds a pending module with the other finders and patches it once it has run."""

    def __init__(self) -> None:
        self.pending: dict[str, Callable[[ModuleType], None]] = {}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        patch = self.pending.pop(fullname, None)
        if patch is None:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec: importlib.machinery.ModuleSpec | None = None
            if finder is not self and find is not None:
                spec = find(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _PatchingLoader(spec.loader, patch)
                return spec
        return None


class _PatchingLoader(importlib.abc.Loader):
    """The module's own loader, with ``patch`` run after the module body."""

    def __init__(self, loader: importlib.abc.Loader, patch: Callable[[ModuleType], None]) -> None:
        self._loader = loader
        self._patch = patch

    def __getattr__(self, name: str) -> Any:  # get_source, get_code, ...: the real loader's
        return getattr(self._loader, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._patch(module)


_HOOK = _PatchAfterImport()
