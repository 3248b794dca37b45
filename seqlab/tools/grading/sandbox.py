"""The sandbox: one untrusted runner process per submission, and the channel to it.

On Linux the runner starts under bubblewrap (``bwrap``, Debian package ``bubblewrap``):

- its own user, PID, network, IPC, UTS and cgroup namespaces (``--unshare-all``): no network,
  and nothing it starts outlives it (the namespace's init dies with the grader's process);
- a read-only view of the system (``/usr``, the Python installation, the course's virtual
  environment and the ``seqlab`` package only): the repository, the masters, the autograder
  zips, the submissions folder and the output folder are not in it at all;
- a private scratch directory (``/home/student``, a size-limited tmpfs) and ``/tmp``, both gone
  when the runner ends;
- a memory limit (address space), a CPU-time limit, a file-size limit, and a wall-clock limit
  enforced from outside (the grader kills the whole sandbox).

Without bubblewrap (macOS, containers without user namespaces) :func:`available` says why, and
the grader refuses unless told ``--unsandboxed``; then the runner is an ordinary child process
with the same limits and channel, and every row is marked.
"""
from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

from .contract import ContractError, read_frame, write_frame

__all__ = ["Limits", "SandboxUnavailable", "available", "Sandbox", "RunnerDied", "RunnerTimeout"]

SCRATCH = "/home/student"
GRACE = 5.0  # seconds beyond a limit before the sandbox is killed from outside
_ETC = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts", "/etc/localtime",
        "/etc/alternatives", "/etc/ssl/certs"]


@dataclass(frozen=True)
class Limits:
    """Limits for one submission (seconds, MiB)."""

    total: float = 120.0  # wall clock for all the code cells together
    cell: float = 120.0  # wall clock for one code cell
    call: float = 10.0  # wall clock for one request made by a check
    memory_mib: int = 3072  # address space of the runner
    cpu: int = 0  # CPU seconds for the runner (0: 2 x total + 60)
    scratch_mib: int = 256

    @property
    def cpu_seconds(self) -> int:
        return self.cpu or int(2 * self.total + 60)


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here."""


class RunnerDied(RuntimeError):
    """The runner ended (crash, memory or CPU limit, or it exited on purpose)."""


class RunnerTimeout(RuntimeError):
    """The runner did not answer within the wall-clock limit; it has been killed."""


_PROBE: dict[str, str] = {}
RUNNER_CPU: list[float] = []  # CPU seconds the runners reported on closing (for the benchmark only)


def available() -> str:
    """``""`` if the sandbox works here, else the reason (in English, for the error message)."""
    if "result" in _PROBE:
        return _PROBE["result"]
    why = ""
    if not sys.platform.startswith("linux"):
        why = f"bubblewrap needs Linux; this is {sys.platform}"
    elif shutil.which("bwrap") is None:
        why = "bubblewrap (`bwrap`) is not installed; on Debian/Ubuntu: `sudo apt-get install bubblewrap`"
    else:
        proc = subprocess.run(["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                               "--proc", "/proc", "--dev", "/dev", "true"], capture_output=True, text=True)
        if proc.returncode != 0:
            why = ("bubblewrap cannot create namespaces here (" + (proc.stderr.strip() or "no message")[:200]
                   + "); user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone, "
                   "or a container started without them)")
    _PROBE["result"] = why
    return why


def _bwrap_args(package_dir: Path, limits: Limits) -> list[str]:
    args = ["bwrap", "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session", "--disable-userns",
            "--uid", "1000", "--gid", "1000", "--cap-drop", "ALL", "--clearenv"]
    for top in ("/bin", "/lib", "/lib64", "/lib32", "/sbin", "/usr"):
        p = Path(top)
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), top]
        elif p.is_dir():
            args += ["--ro-bind", top, top]
    for path in _ETC:
        args += ["--ro-bind-try", path, path]
    # /tmp first: the Python installation or the course's checkout may live under /tmp (a CI
    # clone), and a tmpfs mounted after their binds would hide them
    args += ["--size", str(64 * 1024 * 1024), "--tmpfs", "/tmp"]
    prefixes = {sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix,
                str(Path(sysconfig.get_paths()["purelib"]).resolve()),
                str(Path(sysconfig.get_paths()["platlib"]).resolve())}
    exe = Path(sys.executable)
    prefixes.add(str(exe.parent))
    prefixes.add(str(exe.resolve().parent.parent))
    for prefix in sorted(prefixes, key=len):
        if not prefix.startswith(("/usr", "/bin", "/lib")):
            args += ["--ro-bind", prefix, prefix]
    args += ["--ro-bind", str(package_dir), "/opt/seqlab/seqlab",
             "--proc", "/proc", "--dev", "/dev",
             "--size", str(limits.scratch_mib * 1024 * 1024), "--tmpfs", SCRATCH,
             "--chdir", SCRATCH]
    return args


def _env(sandboxed: bool, scratch: str) -> dict[str, str]:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": scratch, "TMPDIR": scratch if not sandboxed else "/tmp",
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "MPLBACKEND": "Agg", "MPLCONFIGDIR": scratch,
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
           "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    return env


class _Reader:
    """``read(n)`` on a pipe that gives up at a deadline."""

    def __init__(self, fd: int):
        self.fd = fd
        self.deadline = None

    def read(self, n: int) -> bytes:
        timeout = None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            raise RunnerTimeout("no answer in time")
        return os.read(self.fd, min(n, 1 << 20))


class Sandbox:
    """One runner. ``request`` sends a frame and waits for the answer (with a deadline)."""

    def __init__(self, log_path: Path, limits: Limits, *, sandboxed: bool = True):
        import seqlab

        self.limits = limits
        self.sandboxed = sandboxed
        self.log = open(log_path, "ab")
        package_dir = Path(seqlab.__file__).resolve().parent
        runner = [sys.executable, "-m", "seqlab.tools.grading.runner", str(limits.memory_mib),
                  str(limits.cpu_seconds)]
        if sandboxed:
            cmd = _bwrap_args(package_dir, limits) + [
                a for kv in _env(True, SCRATCH).items() for a in ("--setenv", kv[0], kv[1])] + [
                "--setenv", "PYTHONPATH", "/opt/seqlab"] + runner
            env, cwd = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, None
            self.scratch = None
        else:
            import tempfile

            self.scratch = tempfile.mkdtemp(prefix="seqlab-unsandboxed-")
            env = _env(False, self.scratch) | {"PYTHONPATH": str(package_dir.parent)}
            cmd, cwd = runner, self.scratch
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     env=env, cwd=cwd, start_new_session=True, bufsize=0)
        self.reader = _Reader(self.proc.stdout.fileno())
        self.events: list[dict] = []
        self.expect_event("ready", 60 + limits.total)

    # --------------------------------------------------------------------------- channel
    def _read(self, timeout: float) -> dict:
        self.reader.deadline = time.monotonic() + timeout
        try:
            return read_frame(self.reader)
        except RunnerTimeout:
            self.kill()
            raise
        except (EOFError, ContractError, OSError) as exc:
            self.kill()
            raise RunnerDied(self._why(exc)) from None

    def _why(self, exc) -> str:
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            return {"SIGXCPU": "CPU time limit", "SIGKILL": "killed (memory or CPU limit)",
                    "SIGSEGV": "segmentation fault"}.get(name, name)
        return f"exit code {code}" if code is not None else str(exc)[:200]

    def expect_event(self, name: str, timeout: float) -> dict:
        frame = self._read(timeout)
        if frame.get("event") != name:
            self.kill()
            raise RunnerDied(f"expected {name!r} from the runner")
        return frame

    def send(self, frame: dict) -> None:
        try:
            write_frame(self.proc.stdin, frame)
        except (BrokenPipeError, OSError) as exc:
            self.kill()
            raise RunnerDied(self._why(exc)) from None

    def request(self, frame: dict, timeout: float) -> dict:
        """One request and its answer (``{"ok": ...}`` or ``{"error": ...}``)."""
        self.send(frame)
        while True:
            reply = self._read(timeout)
            if "event" in reply:  # progress (a new cell started)
                self.events.append(reply)
                continue
            if ("ok" in reply) == ("error" in reply):
                self.kill()
                raise RunnerDied("the runner sent a frame that is neither an answer nor an error")
            return reply

    def run_cells(self, cells: list[str]) -> dict:
        """Run the code cells; return the runner's report (or raise, ``current_cell`` says where).

        The runner announces each cell before running it; a cell gets ``limits.cell`` seconds
        (and all cells together ``limits.total``) plus a few seconds of grace, then the whole
        sandbox is killed: a loop in C code that no signal interrupts ends there too.
        """
        lim = self.limits
        self.send({"op": "run_cells", "cells": cells, "cell_limit": lim.cell, "total_limit": lim.total})
        start = time.monotonic()
        cell_deadline = start + min(lim.cell, lim.total) + GRACE
        while True:
            deadline = min(cell_deadline, start + lim.total + GRACE)
            reply = self._read(max(0.1, deadline - time.monotonic()))
            if reply.get("event") == "cell":
                self.events.append(reply)
                cell_deadline = time.monotonic() + lim.cell + GRACE
                continue
            return reply

    @property
    def current_cell(self) -> int | None:
        cells = [e.get("index") for e in self.events if e.get("event") == "cell"]
        return cells[-1] if cells and isinstance(cells[-1], int) else None

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                reply = self.request({"op": "usage"}, 5)
                if isinstance(reply.get("ok"), float):
                    RUNNER_CPU.append(reply["ok"])
            except (RunnerDied, RunnerTimeout):
                pass
        if self.proc.poll() is None:
            try:
                write_frame(self.proc.stdin, {"op": "bye"})
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.log.close()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
