"""The sandbox: one untrusted runner process per submission, and the channel to it.

On Linux the runner starts under bubblewrap (``bwrap``, Debian package ``bubblewrap``):

- its own user, PID, network, IPC, UTS and cgroup namespaces (``--unshare-all``): no network,
  and nothing it starts outlives it (the namespace's init dies with the grader's process);
- a read-only view of the system (``/usr``, the Python installation, the course's virtual
  environment and the ``seqlab`` package only): the repository, the masters, the autograder
  zips, the submissions folder and the output folder are not in it at all;
- a private home directory (``/home/user``) and ``/tmp`` and ``/dev/shm``, each a tmpfs of a fixed
  size, all gone when the runner ends; everything else (``/``, ``/dev``) is read-only, so nothing
  the student writes can grow past those sizes;
- a memory limit (address space), a CPU-time limit, a file-size limit, a limit on processes and
  threads (``RLIMIT_NPROC``; when the grader runs as root, whom that limit does not bind, also a
  ``pids`` cgroup where the machine lets the grader make one), and a wall-clock limit enforced
  from outside (the grader kills the whole sandbox);
- an ordinary-looking environment: ``HOME=/home/user``, no grader paths in the environment, and
  bubblewrap's own arguments passed through a descriptor (``/proc/1/cmdline`` shows no host path).
  The student's output goes through a pipe that the grader copies into the log (capped), so the
  student cannot truncate or rewrite it.

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
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .contract import ContractError, new_request_id, read_frame, write_frame

__all__ = ["Limits", "SandboxUnavailable", "available", "Sandbox", "RunnerDied", "RunnerTimeout", "ForgedReply",
           "LOG_CAP", "work_folder"]

SCRATCH = "/home/user"
LOG_CAP = 4 * 1024 * 1024  # bytes of a runner's output kept in its log
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
    scratch_mib: int = 256  # the home directory (tmpfs)
    tmp_mib: int = 64  # /tmp (tmpfs)
    shm_mib: int = 64  # /dev/shm (tmpfs)
    question: float = 60.0  # wall clock for all the test calls of one question
    question_calls: int = 5000  # requests one question may make
    tests_total: float = 300.0  # wall clock for all the test calls of one submission
    restarts: int = 3  # runners started again after a crash or hang during the tests

    @property
    def cpu_seconds(self) -> int:
        return self.cpu or int(2 * self.total + 60)


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here."""


class RunnerDied(RuntimeError):
    """The runner ended (crash, memory or CPU limit, or it exited on purpose)."""


class RunnerTimeout(RuntimeError):
    """The runner did not answer within the wall-clock limit; it has been killed."""


class ForgedReply(RunnerDied):
    """A frame that does not answer the current request (its request id differs): written by
    student code, not by the runner. The runner has been killed."""


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
    if sys.prefix != sys.base_prefix:  # the course's virtual environment, at a neutral path too
        args += ["--ro-bind", sys.prefix, VENV]
    args += ["--ro-bind", str(package_dir), "/opt/seqlab/seqlab",
             "--proc", "/proc", "--dev", "/dev",
             "--size", str(limits.shm_mib * 1024 * 1024), "--tmpfs", "/dev/shm",
             "--size", str(limits.scratch_mib * 1024 * 1024), "--tmpfs", SCRATCH,
             "--remount-ro", "/dev", "--remount-ro", "/",
             "--chdir", SCRATCH]
    return args


VENV = "/opt/venv"


def _python_in_sandbox() -> str:
    if sys.prefix != sys.base_prefix:
        exe = Path(sys.executable)
        try:
            return str(Path(VENV) / exe.relative_to(sys.prefix))
        except ValueError:
            pass
    return sys.executable


_CGROUP_ROOTS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup")


def _make_cgroup(max_pids: int) -> str | None:
    """A fresh ``pids`` cgroup limited to ``max_pids`` (only as root, only where it can be made)."""
    if os.geteuid() != 0:
        return None
    for root in _CGROUP_ROOTS:
        if not os.path.isfile(os.path.join(root, "cgroup.procs")):
            continue
        if root == "/sys/fs/cgroup" and "pids" not in _read(os.path.join(root, "cgroup.subtree_control")):
            continue
        _remove_stale_cgroups(root)
        path = os.path.join(root, f"seqlab-grade-{os.getpid()}-{new_request_id()[:8]}")
        try:
            os.mkdir(path)
            with open(os.path.join(path, "pids.max"), "w") as f:
                f.write(str(max_pids))
            return path
        except OSError:
            try:
                os.rmdir(path)
            except OSError:
                pass
    return None


def _read(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def _remove_cgroup(path: str | None, wait: float = 20.0) -> bool:
    """Kill what is left in the cgroup and remove it (waits until its processes are gone)."""
    if not path:
        return True
    end = time.monotonic() + wait
    pause = 0.01
    while True:
        try:
            os.rmdir(path)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            for pid in _read(os.path.join(path, "cgroup.procs")).split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError, PermissionError):
                    pass
            if time.monotonic() > end:
                return False  # a later run removes it (see _make_cgroup)
            time.sleep(pause)
            pause = min(0.2, pause * 2)


def _remove_stale_cgroups(root: str) -> None:
    for name in os.listdir(root):
        if not name.startswith("seqlab-grade-"):
            continue
        try:
            pid = int(name.split("-")[2])
            os.kill(pid, 0)
        except ProcessLookupError:
            _remove_cgroup(os.path.join(root, name), wait=0)
        except (ValueError, IndexError, PermissionError, OSError):
            pass


def work_folder(out: Path) -> Path:
    """A temporary folder for logs and scratch under ``out`` (``.work-<pid>-...``), removing those
    that earlier runs left behind when they were killed (their process is gone)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(".work-*"):
        try:
            pid = int(old.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        alive = True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            alive = False
        except PermissionError:
            pass
        if not alive or pid == os.getpid():
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f".work-{os.getpid()}-", dir=out))


def _env(sandboxed: bool, scratch: str) -> dict[str, str]:
    tmp = "/tmp" if sandboxed else scratch
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": scratch, "TMPDIR": tmp, "USER": "user",
           "LOGNAME": "user", "SHELL": "/bin/bash", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "MPLBACKEND": "Agg",
           "MPLCONFIGDIR": scratch + "/.config/matplotlib", "TORCHINDUCTOR_CACHE_DIR": tmp + "/torchinductor_user",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
           "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    return env


def _copy_log(pipe, log, cap: int) -> None:
    """Copy the runner's output into the log (at most ``cap`` bytes; the rest is counted)."""
    kept = dropped = 0
    try:
        while True:
            chunk = os.read(pipe, 65536)
            if not chunk:
                break
            room = cap - kept
            if room > 0:
                log.write(chunk[:room])
                kept += min(room, len(chunk))
            dropped += max(0, len(chunk) - max(room, 0))
        if dropped:
            log.write(f"\n[grader: {dropped} more bytes of output were not kept]\n".encode())
    except (OSError, ValueError):
        pass
    finally:
        try:
            os.close(pipe)
        except OSError:
            pass


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
        self.cgroup = None
        package_dir = Path(seqlab.__file__).resolve().parent
        args = ["-m", "seqlab.tools.grading.runner", str(limits.memory_mib), str(limits.cpu_seconds)]
        pass_fds: tuple = ()
        args_fd = None
        if sandboxed:
            options = _bwrap_args(package_dir, limits) + [
                a for kv in _env(True, SCRATCH).items() for a in ("--setenv", kv[0], kv[1])] + [
                "--setenv", "PYTHONPATH", "/opt/seqlab"]
            # bubblewrap's options through a descriptor: /proc/1/cmdline in the sandbox is then
            # "bwrap --args N <python in the sandbox> -m ...", with no host path in it
            args_fd = tempfile.TemporaryFile()
            args_fd.write(b"\0".join(a.encode() for a in options[1:]) + b"\0")
            args_fd.flush()
            args_fd.seek(0)
            pass_fds = (args_fd.fileno(),)
            cmd = [options[0], "--args", str(args_fd.fileno()), _python_in_sandbox()] + args
            env, cwd = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, None
            self.scratch = None
            self.cgroup = _make_cgroup(64 + 16)  # the runner's own limit is 64; bwrap adds two
        else:
            self.scratch = tempfile.mkdtemp(prefix="scratch-", dir=Path(log_path).parent)
            env = _env(False, self.scratch) | {"PYTHONPATH": str(package_dir.parent)}
            cmd, cwd = [sys.executable] + args, self.scratch
        cgroup = self.cgroup

        def enter_cgroup() -> None:  # in the child, before bubblewrap starts
            if cgroup:
                with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
                    f.write(str(os.getpid()))

        out_r, out_w = os.pipe()
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=out_w,
                                         env=env, cwd=cwd, start_new_session=True, bufsize=0, pass_fds=pass_fds,
                                         preexec_fn=enter_cgroup if cgroup else None)
        finally:
            os.close(out_w)
            if args_fd is not None:
                args_fd.close()
        self.log_thread = threading.Thread(target=_copy_log, args=(out_r, self.log, LOG_CAP), daemon=True)
        self.log_thread.start()
        self.reader = _Reader(self.proc.stdout.fileno())
        self.events: list[dict] = []
        self.rid = ""
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

    def _answer(self, timeout: float) -> dict:
        """The next frame, which must carry the current request's id."""
        frame = self._read(timeout)
        if frame.get("rid") != self.rid:
            self.kill()
            raise ForgedReply("a frame did not carry the current request's id (written by student code, "
                              "not by the runner)")
        return frame

    def send(self, frame: dict) -> None:
        self.rid = new_request_id()
        try:
            write_frame(self.proc.stdin, dict(frame, rid=self.rid))
        except (BrokenPipeError, OSError) as exc:
            self.kill()
            raise RunnerDied(self._why(exc)) from None

    def request(self, frame: dict, timeout: float) -> dict:
        """One request and its answer (``{"ok": ...}`` or ``{"error": ...}``)."""
        self.send(frame)
        while True:
            reply = self._answer(timeout)
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
            reply = self._answer(max(0.1, deadline - time.monotonic()))
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
        _remove_cgroup(self.cgroup)  # kills whatever is left in it
        self.log_thread.join(timeout=10)
        self.log.close()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
