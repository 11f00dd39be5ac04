"""Load: the REST API under wrk for 60 seconds at several concurrency levels, behind gunicorn on 127.0.0.1.

    make load-api        (or: python -m tracker.launcher exec python scripts/load_api.py [SECONDS])

Builds a scratch database of generated data (`manage.py generate_data --statements 20000
--documents 2000`: negotiations, parties, proposals, stances, documents), starts gunicorn with
deploy/gunicorn.conf.py on a free port, checks that every endpoint answers 200 with JSON, then
runs wrk at 1, 8, 32 and 64 connections, each for 60 seconds, cycling over the endpoints below.
Anonymous requests: the anonymous throttle is raised out of reach for the run
(API_THROTTLE_ANON=1000000000/minute), so the throttle code still runs but never answers 429.
Errors are socket errors from wrk plus every response that is not 2xx, counted from gunicorn's
access log. Prints requests/s, p50/p99 latency and errors per level, and each endpoint's median
server time; PASS only with 0 errors.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter

import drill

LEVELS = (1, 8, 32, 64)
SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 60
STATEMENTS = 20_000
DOCUMENTS = 2_000
# gunicorn's access log, in a format of ours: status, microseconds, request line.
ACCESS_FORMAT = '%(s)s %(D)s "%(r)s"'
ACCESS = re.compile(r'^(\d{3}) (\d+) "GET (\S+) ')


def endpoints() -> list[str]:
    from positions.models import Negotiation, Proposal

    negotiation = Negotiation.objects.order_by("pk").first()
    proposal = Proposal.objects.filter(negotiation=negotiation).order_by("pk").first() or Proposal.objects.first()
    return [
        "/api/v1/negotiations",
        "/api/v1/parties",
        "/api/v1/proposals",
        f"/api/v1/proposals/{proposal.pk}",
        "/api/v1/statements",
        "/api/v1/statements?search=missile+defence",
        "/api/v1/documents",
        f"/api/v1/compare?negotiation={negotiation.slug}&as_of=2012-06-01",
        f"/api/v1/proposals/{proposal.pk}/history",
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(base: str, paths: list[str], connections: int, script: str) -> dict:
    args = ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{SECONDS}s", "--timeout", "10s"]
    args += ["--latency", "-H", "Accept: application/json", "-s", script, base]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout

    def find(pattern: str, default: str = "0") -> str:
        match = re.search(pattern, out)
        return match.group(1) if match else default

    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
        return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)

    socket_errors = sum(
        int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", find(r"(Socket errors:.*)", ""))
    )
    return {
        "requests": int(find(r"(\d+) requests in")),
        "requests/s": float(find(r"Requests/sec:\s+([\d.]+)")),
        "p50 ms": ms(find(r"50%\s+(\S+)")),
        "p99 ms": ms(find(r"99%\s+(\S+)")),
        "socket errors": socket_errors,
        "wrk non-2xx/3xx": int(find(r"Non-2xx or 3xx responses: (\d+)")),
    }


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk")
        return 1
    os.environ["API_THROTTLE_ANON"] = "1000000000/minute"
    drill.prepare(claim_seconds=360, task_time_limit=300, prefix="load")
    manage = [sys.executable, "manage.py"]
    made = time.monotonic()
    generate = [*manage, "generate_data", "--statements", str(STATEMENTS), "--documents", str(DOCUMENTS)]
    if subprocess.run(generate, cwd=drill.BASE_DIR).returncode == 0:
        print(f"data: {STATEMENTS} statements in {DOCUMENTS} documents ({time.monotonic() - made:.0f} s)", flush=True)
    else:  # a tree without the generator: the seed negotiation alone (small lists, the same code paths)
        subprocess.run([*manage, "seed"], cwd=drill.BASE_DIR, check=True)
        print("data: generate_data failed or is missing; the seed negotiation only", flush=True)
    paths = endpoints()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    var = drill.BASE_DIR / "var"
    access, errors = var / f"load-api-{port}.access.log", var / f"load-api-{port}.error.log"
    script = var / f"load-api-{port}.lua"
    quoted = ", ".join(f'"{p}"' for p in paths)
    script.write_text(
        f"local paths = {{{quoted}}}\nlocal n = 0\n"
        "request = function()\n  n = n + 1\n  return wrk.format(nil, paths[(n % #paths) + 1])\nend\n"
    )
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_LOG_LEVEL": "warning"}
    env["PYTHONWARNINGS"] = "ignore:No directory at"  # whitenoise: no collectstatic for a JSON-only run
    logs = ["--access-logfile", str(access), "--access-logformat", ACCESS_FORMAT, "--error-logfile", str(errors)]
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", *logs, "tracker.wsgi"],
        cwd=drill.BASE_DIR,
        env=env,
        start_new_session=True,
    )
    rows, passed = [], True
    served: dict[int, dict[str, list[float]]] = {level: {} for level in LEVELS}  # server-side ms per endpoint
    try:

        def answers() -> bool:
            try:
                return urllib.request.urlopen(f"{base}/api/v1/parties", timeout=2).status == 200
            except OSError:
                return False

        drill.wait_until(answers, deadline=time.monotonic() + 60, what="gunicorn", every=0.5)
        for path in paths:  # every endpoint must answer 200 with JSON before the load counts
            request = urllib.request.Request(base + path, headers={"Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                kind = response.headers.get("Content-Type", "")
                size = len(response.read())
                print(f"  {response.status} {kind.split(';')[0]:<18} {size:>7} bytes  {path}")
                passed = passed and response.status == 200 and "json" in kind
        workers = len([c for c in __import__("psutil").Process(gunicorn.pid).children()])
        print(f"gunicorn: {workers} workers (deploy/gunicorn.conf.py), {len(paths)} endpoints, {SECONDS} s per level")
        for connections in LEVELS:
            before = len(access.read_text().splitlines())
            row = wrk(base, paths, connections, str(script))
            time.sleep(1)  # the access log is written after the response
            lines = [ACCESS.match(line) for line in access.read_text().splitlines()[before:]]
            statuses = Counter(match.group(1) if match else "unparsed" for match in lines)
            for match in filter(None, lines):
                served[connections].setdefault(match.group(3), []).append(int(match.group(2)) / 1000)
            row["non-2xx (access log)"] = sum(n for status, n in statuses.items() if not status.startswith("2"))
            row["errors"] = row["socket errors"] + row["non-2xx (access log)"] + row["wrk non-2xx/3xx"]
            rows.append({"connections": connections, **row})
            print(
                f"  c={connections:<3} {row['requests/s']:>8.1f} req/s  p50 {row['p50 ms']:>8.2f} ms  "
                f"p99 {row['p99 ms']:>8.2f} ms  requests {row['requests']:>7}  errors {row['errors']}  "
                f"statuses {dict(statuses)}",
                flush=True,
            )
            passed = passed and row["errors"] == 0 and row["requests"] > 0
    finally:
        drill.stop_worker(gunicorn)
    print("server time per endpoint, median ms at each level (gunicorn access log):")
    print(f"  {'endpoint':<62}" + "".join(f"{'c=' + str(level):>9}" for level in LEVELS))
    for path in paths:
        cells = [sorted(served[level].get(path, [0])) for level in LEVELS]
        print(f"  {path:<62}" + "".join(f"{times[len(times) // 2]:>9.1f}" for times in cells))
    figures = {f"c={r['connections']}": {k: v for k, v in r.items() if k != "connections"} for r in rows}
    figures["gunicorn error log"] = str(errors)
    return drill.report(figures, passed)


if __name__ == "__main__":
    drill.run(main)
