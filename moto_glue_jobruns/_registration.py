"""Activating the plugin in moto, and restoring stock moto.

Nothing activates at import. The plugin is active while ``register()`` holds (process
wide) or while any scope opened by ``enter_scope()`` is open (``mock_glue_job_runs``, the
pytest fixtures and marker); it is inactive, and moto is stock, when neither holds.

One routing point serves both moto's decorator and its server: the Glue URL table
(``moto.glue.urls``) that moto reads on every request. The server-mode seeding and outcome
routes are added to moto's own ``/moto-api`` table.

Importing moto's Glue costs about 60 ms (its models pull in pyparsing), and a test run that
never touches Glue should not pay it. So registering does not import those tables: a table
moto has already loaded is patched at once, one it has not is patched the moment moto
imports it, by a small import hook. The plugin's own modules load on the first request.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import inspect
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from moto.core.common_types import TYPE_RESPONSE

from ._compat import require_moto_internals

_GLUE_URLS = "moto.glue.urls"
_API_URLS = "moto.moto_api._internal.urls"
_GLUE_PATH = "{0}/$"
_SEED_PATH = "{0}/moto-api/glue-jobruns/seed"
_OUTCOMES_PATH = "{0}/moto-api/glue-jobruns/outcomes"
_EXECUTE_PATH = "{0}/moto-api/glue-jobruns/execute"
_LOCK = threading.RLock()
_process_wide = False  # register() was called and unregister() not since
_scopes = 0  # open mock_glue_job_runs scopes, in any thread
_active = False  # moto's tables point at the plugin
_original: dict[str, Any] = {}  # stock moto's Glue handler, while it is replaced


def glue_dispatch(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    """What moto's Glue URL table points at while the plugin is active."""
    from .responses import JobRunResponse

    return JobRunResponse.dispatch(request, full_url, headers)


def seed_route(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    from .seeding import seed_endpoint

    return seed_endpoint(request, full_url, headers)


def outcomes_route(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    from .seeding import outcomes_endpoint

    return outcomes_endpoint(request, full_url, headers)


def execute_route(request: Any, full_url: str, headers: Any) -> TYPE_RESPONSE:
    from ._executor import execute_endpoint

    return execute_endpoint(request, full_url, headers)


API_ROUTES = {_SEED_PATH: seed_route, _OUTCOMES_PATH: outcomes_route, _EXECUTE_PATH: execute_route}


def is_registered() -> bool:
    """True while moto serves Glue job runs through this plugin (registered or in a scope)."""
    return _active


def register() -> None:
    """Activate the plugin for the whole process until ``unregister()``. Idempotent and thread-safe."""
    global _process_wide
    with _LOCK:
        _process_wide = True
        _settle()


def unregister() -> None:
    """End ``register()``'s activation; with no ``mock_glue_job_runs`` scope open, moto is stock again."""
    global _process_wide
    with _LOCK:
        _process_wide = False
        _settle()


def enter_scope() -> None:
    """Open one activation scope (``mock_glue_job_runs`` and the pytest plugin use this)."""
    global _scopes
    with _LOCK:
        _scopes += 1
        try:
            _settle()
        except BaseException:
            _scopes -= 1
            raise


def exit_scope() -> None:
    """Close one activation scope; the plugin stays active while any other is open."""
    global _scopes
    with _LOCK:
        if _scopes <= 0:
            raise RuntimeError("exit_scope() without a matching enter_scope()")
        _scopes -= 1
        _settle()


class mock_glue_job_runs:
    """Activate the plugin while a function, class or ``with`` block runs.

    ``@mock_glue_job_runs`` (with or without parentheses) on a test function, coroutine or
    class (its ``test*``, ``setUp``/``tearDown`` and ``setup_method``/``teardown_method``
    methods), or ``with mock_glue_job_runs():``. Scopes nest and may be open in several
    threads at once: the plugin stays active until the last one closes, and leaving an
    inner scope never deactivates an outer one. Like moto's mocks it acts process wide;
    combine it with ``mock_aws``, which it does not replace.
    """

    def __new__(cls, target: Any = None) -> Any:
        scope = super().__new__(cls)
        if target is None:
            return scope
        return scope(target)  # used bare: @mock_glue_job_runs

    def __init__(self, target: Any = None) -> None:
        self._depth = threading.local()

    def __enter__(self) -> mock_glue_job_runs:
        enter_scope()
        self._depth.value = getattr(self._depth, "value", 0) + 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        depth = getattr(self._depth, "value", 0)
        if depth <= 0:
            raise RuntimeError("mock_glue_job_runs: __exit__ without a matching __enter__ in this thread")
        self._depth.value = depth - 1
        exit_scope()

    def start(self) -> None:
        """Open the scope (like ``mock_aws().start()``); pair with ``stop()``."""
        self.__enter__()

    def stop(self) -> None:
        """Close a scope opened with ``start()``."""
        self.__exit__(None, None, None)

    def __call__(self, target: Any) -> Any:
        if isinstance(target, type):
            for name, member in list(vars(target).items()):
                if inspect.isfunction(member) and (name.startswith("test") or name in _CLASS_HOOKS):
                    setattr(target, name, mock_glue_job_runs(member))
            return target
        if not callable(target):
            raise TypeError(f"mock_glue_job_runs decorates a function or a class, not {target!r}")
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with mock_glue_job_runs():
                    return await target(*args, **kwargs)

            return run_async

        @functools.wraps(target)
        def run(*args: Any, **kwargs: Any) -> Any:
            with mock_glue_job_runs():
                return target(*args, **kwargs)

        return run


_CLASS_HOOKS = frozenset({"setUp", "tearDown", "setup_method", "teardown_method"})


def _settle() -> None:
    """Point moto's tables at the plugin exactly while something asks for it."""
    global _active
    wanted = _process_wide or _scopes > 0
    if wanted == _active:
        return
    if wanted:
        require_moto_internals()  # once per process: a moto that moved a piece fails here, clearly
        _active = True
        _when_imported(_GLUE_URLS, _patch_glue)
        _when_imported(_API_URLS, _patch_api)
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
