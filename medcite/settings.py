"""Moved to core/settings.py; this re-export keeps old imports working while they are updated."""

from core.settings import *  # noqa: F401,F403
from core.settings import PROJECT_ROOT, UPLOADS  # noqa: F401
