"""whosaid: who said what, and when, from raw news dumps.

Importing the package sets whosaid's Prefect defaults for offline use (each only when the
environment has not set it already).
"""

import os

OFFLINE_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The ephemeral API server a flow run starts on its own can take longer than Prefect's 20 s
    # default on a small, busy machine (seen at 2 cores under load).
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
for _name, _value in OFFLINE_DEFAULTS.items():
    os.environ.setdefault(_name, _value)

__version__ = "0.1.0"
