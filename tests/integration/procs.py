"""Starting and stopping real processes for the integration tests: each in its own process group,
logging to a file, and stopped with everything it started (even a flow run in its own session)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(**extra: str) -> dict[str, str]:
    """The environment for a child: offline Prefect, no inherited API URL or profile."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "WHOSAID_"))}
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


class Proc:
    """A started process with its log file."""

    def __init__(
        self, args: Sequence[str], log: Path, env: dict[str, str], cwd: Path | None = None
    ) -> None:
        self.log = log
        self._fh = open(log, "wb")
        self.popen = subprocess.Popen(
            list(args),
            stdout=self._fh,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )

    def tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self, grace_s: float = 10.0) -> None:
        """SIGTERM the process, its group and every descendant's group; SIGKILL what is left."""
        try:
            root = psutil.Process(self.popen.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            procs = []
        groups = set()
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                groups.add(os.getpgid(p.pid))
        groups.discard(os.getpgrp())
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for g in groups:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(g, sig)
            for p in procs:
                with contextlib.suppress(psutil.NoSuchProcess):
                    p.send_signal(sig)
            _, alive = psutil.wait_procs(procs, timeout=grace_s)
            if not alive:
                break
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)
        self._fh.close()


def wait_for(
    condition: Callable[[], object],
    timeout_s: float,
    what: str,
    interval_s: float = 0.5,
    proc: Proc | None = None,
) -> object:
    """Poll until ``condition()`` is truthy; fail with ``what`` (and the process's log)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.popen.poll() is not None:
            raise AssertionError(
                f"{what}: process exited ({proc.popen.returncode}):\n{proc.tail()}"
            )
        time.sleep(interval_s)
    raise AssertionError(
        f"timed out after {timeout_s}s waiting for {what}" + (f":\n{proc.tail()}" if proc else "")
    )
