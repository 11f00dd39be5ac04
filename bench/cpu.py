"""The web process's CPU per request: the trivial endpoint against each cached answer, through the WSGI handler
gunicorn calls (middleware, URL resolving, the view, the response's iteration and close), without the network.

    python -m bench.cpu [--requests N] [--rounds R] [--profile FILE] [--without PART ...] [NAME=PATH ...]

Run with the environment of a benchmark's gunicorn (DATABASE_URL of a generated database, CACHE_URL): the
throttles stay on at the benchmark's rates. Each round takes every endpoint in turn, N requests each, timed by
time.process_time (this process only: PostgreSQL's and Redis's share is not in it); the figure is the median
round's, which a busy machine moves less than wall-clock load figures.

`--without throttle` (no throttle counted: no Redis round trip, and so no writes' signal: the data version is then
read from PostgreSQL at every request) and `--without version` (a fixed data version: no PostgreSQL round trip)
leave a part of a cached answer out, to say what it costs; both together leave the lean path's own work. A
measurement only, never how the tracker serves (an answer named by a fixed version would outlive its data).
"""

import argparse
import io
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DEBUG", "false")
for name in ("API_THROTTLE_ANON", "API_THROTTLE_USER", "PAGE_THROTTLE", "PAGE_THROTTLE_CSV"):
    os.environ.setdefault(name, "1000000/s")


def environ(path: str, headers: dict) -> dict:
    path, _, query = path.partition("?")
    found = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    return found | {f"HTTP_{key.upper().replace('-', '_')}": value for key, value in headers.items()}


def served(application, path: str, headers: dict) -> tuple[str, list, bytes]:
    """One request as gunicorn serves it: the status, the headers and the body iterated, the response closed."""
    started = []
    result = application(environ(path, headers), lambda status, found, *_: started.append((status, found)))
    try:
        body = b"".join(result)
    finally:
        result.close()
    return started[0][0], started[0][1], body


def _without_throttle() -> None:
    """no throttle is counted (DRF's views and the lean path ask get_throttles)"""
    from rest_framework.views import APIView

    APIView.get_throttles = lambda self: []


def _without_version() -> None:
    """every answer is named by the data version 0.0, read from nowhere"""
    from positions import selectors

    selectors.data_version = lambda: "0.0"


LEFT_OUT = {"throttle": _without_throttle, "version": _without_version}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", help="cProfile every request of the last round into this file")
    parser.add_argument("--header", action="append", default=[], help="NAME:VALUE sent with every request")
    parser.add_argument("--without", action="append", default=[], choices=sorted(LEFT_OUT), help="leave this part out")
    parser.add_argument("paths", nargs="*", help="NAME=PATH (default: ping and the benchmark's four answers)")
    options = parser.parse_args()

    from bench.phases import targets
    from tracker.wsgi import application  # what gunicorn serves (bench.wsgi: the same with bench.settings)

    for part in options.without:
        LEFT_OUT[part]()
        print(f"without {part}: {LEFT_OUT[part].__doc__}", file=sys.stderr)
    headers = dict(h.split(":", 1) for h in options.header)
    if options.paths:
        paths = dict(p.split("=", 1) for p in options.paths)
    else:
        found = targets()
        paths = {"ping": "/bench/ping"} | {name: found[name] for name in ("compare", "history", "list", "search")}
    for name, path in paths.items():
        status, _, body = served(application, path, headers)
        print(f"{name}: {path} -> {status}, {len(body):,} bytes", file=sys.stderr)
        for _ in range(50):
            served(application, path, headers)

    timings: dict[str, list[float]] = {name: [] for name in paths}
    profiler = None
    for round_ in range(options.rounds):
        if options.profile and round_ == options.rounds - 1:
            import cProfile

            profiler = cProfile.Profile(time.process_time)
        for name, path in paths.items():
            if profiler:
                profiler.enable()
            began = time.process_time()
            for _ in range(options.requests):
                served(application, path, headers)
            timings[name].append((time.process_time() - began) / options.requests * 1e6)
            if profiler:
                profiler.disable()
    if profiler:
        profiler.dump_stats(options.profile)

    base = statistics.median(timings[next(iter(paths))])
    print(f"{'endpoint':<10} {'µs/request':>11} {'ratio':>6}  rounds")
    for name, found in timings.items():
        median = statistics.median(found)
        rounds = " ".join(f"{t:.0f}" for t in found)
        print(f"{name:<10} {median:>11.0f} {median / base:>6.2f}  {rounds}")


if __name__ == "__main__":
    main()
