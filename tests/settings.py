"""Test settings: the real settings with a fast password hasher and tasks run
in-process right after commit (so consumers' effects can be asserted)."""

import os
import tempfile

os.environ.setdefault("COCREATE_VAR_DIR", tempfile.mkdtemp(prefix="cocreate-test-var-"))

from cocreate.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"  # noqa: F405
SITE_URL = "http://testserver"

# A file, not SQLite's shared in-memory database: that one reports lock conflicts at
# once instead of honouring the busy timeout, which concurrency tests need.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
