from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Tests send mail to memory, run tasks immediately and never share media files."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
