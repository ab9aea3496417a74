"""Registering the plugin with moto, and restoring stock moto.

One routing point serves both moto's decorator and its server: the Glue URL table that
moto reads on every request. The server-mode seeding and outcome routes are added to
moto's own ``/moto-api`` table.
"""

from __future__ import annotations

import threading
from typing import Any

import moto.glue.urls as glue_urls
import moto.moto_api._internal.urls as moto_api_urls

from .responses import JobRunResponse
from .seeding import outcomes_endpoint, seed_endpoint

_GLUE_PATH = "{0}/$"
API_ROUTES = {
    "{0}/moto-api/glue-jobruns/seed": seed_endpoint,
    "{0}/moto-api/glue-jobruns/outcomes": outcomes_endpoint,
}
_LOCK = threading.Lock()
_original: dict[str, Any] = {}


def is_registered() -> bool:
    """True while moto serves Glue job runs through this plugin."""
    return bool(_original)


def register() -> None:
    """Make moto serve Glue job runs through this plugin. Idempotent and thread-safe."""
    with _LOCK:
        if _original:
            return
        _original[_GLUE_PATH] = glue_urls.url_paths[_GLUE_PATH]
        glue_urls.url_paths[_GLUE_PATH] = JobRunResponse.dispatch
        moto_api_urls.url_paths.update(API_ROUTES)


def unregister() -> None:
    """Restore stock moto's Glue exactly as it was before ``register()``."""
    with _LOCK:
        if not _original:
            return
        glue_urls.url_paths[_GLUE_PATH] = _original.pop(_GLUE_PATH)
        for path in API_ROUTES:
            moto_api_urls.url_paths.pop(path, None)
