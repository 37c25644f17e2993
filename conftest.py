"""Root conftest: eventlet must be patched before anything else is imported.

Plain pytest does not monkey-patch for nameko (STACK trap 7); psycopg2 is made
cooperative with psycogreen (trap 1). Shared fixtures live in
``services/common/testing.py`` (registered below as a plugin).
"""

import warnings

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

from psycogreen.eventlet import patch_psycopg  # noqa: E402

patch_psycopg()

pytest_plugins = ["services.common.testing"]
