"""Two servers of the cached answers compared under wrk, interleaved: what to read when the machine is busy.

    python -m bench.ab --db NAME --a DIR[:VAR=VALUE,...] --b DIR[:VAR=VALUE,...] [--rounds 4] [--seconds 2]

Each side is a gunicorn (2 sync workers, bench.wsgi) started in DIR, a checkout of the project (its code is what
is served), with the environment plus the given variables, on the same generated database (DATABASE_URL's server,
database NAME) and cache (CACHE_URL). In each round, each server in turn (the order alternates from one round to
the next) serves the trivial endpoint and every answer, `--seconds` of wrk each, and each answer is set against the
mean of the trivial endpoint's throughput just before and after it. Every process's CPU per request is read too
(the server's workers, the database's backends, Redis and wrk): what the answer costs the machine whatever else
runs on it. Prints, per server and answer, the median and range of the ratios and the median CPU figures.
"""

import argparse
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

from bench.run import ACCEPT_ENCODING, BASE_DIR, database_url

ANSWERS = ("compare", "history", "list", "search")
CLOCK = os.sysconf("SC_CLK_TCK")


def side(spec: str) -> tuple[Path, dict]:
    folder, _, variables = spec.partition(":")
    return Path(folder), dict(item.split("=", 1) for item in variables.split(",") if item)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_us(pids: list[int]) -> float:
    """utime + stime of the processes, in µs."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks * 1e6 / CLOCK


def wrk_ms(figure: str) -> float:
    """wrk's latency (12.34us, 5.67ms, 1.23s) in ms."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", figure).groups()
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a generated database (bench.run --keep)")
    parser.add_argument("--a", required=True, help="DIR[:VAR=VALUE,...]")
    parser.add_argument("--b", required=True, help="DIR[:VAR=VALUE,...]")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--encoding", default=ACCEPT_ENCODING, help="the requests' Accept-Encoding (identity: none)")
    options = parser.parse_args(argv)

    import psycopg
    import redis

    env = dict(
        os.environ, DATABASE_URL=database_url(options.db), DEBUG="false", DJANGO_SETTINGS_MODULE="bench.settings"
    )
    env |= {"API_THROTTLE_ANON": "1000000/s", "API_THROTTLE_USER": "1000000/s"}  # counted, never refused
    redis_pids = [redis.Redis.from_url(os.environ["CACHE_URL"]).info("server")["process_id"]]
    servers = {}
    try:
        for name, spec in (("A", options.a), ("B", options.b)):
            folder, extra = side(spec)
            port = free_port()
            args = [sys.executable, "-m", "gunicorn", "bench.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
            (BASE_DIR / "var").mkdir(exist_ok=True)
            with (BASE_DIR / "var" / f"ab-{name}.log").open("ab") as log:
                process = subprocess.Popen(args, cwd=folder, env=env | extra, stdout=log, stderr=log)
            servers[name] = (process, f"http://127.0.0.1:{port}")
        for process, base in servers.values():
            deadline = time.monotonic() + 60
            while True:
                try:
                    urlopen(base + "/bench/ping").read()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"{base} did not start") from None
                    time.sleep(0.2)
        out = subprocess.run([sys.executable, "-m", "bench.phases", "targets", "{}"], cwd=BASE_DIR, env=env,
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
        paths = json.loads(out.strip().splitlines()[-1])
        for name, (_, base) in servers.items():
            sizes = {answer: len(urlopen(base + paths[answer]).read()) for answer in ANSWERS}  # warm, and cached
            print(f"{name}: {options.a if name == 'A' else options.b}; bytes {sizes}", flush=True)

        def backends() -> list[int]:
            with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
                rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [options.db])
                return [row[0] for row in rows]

        def measured(process, base: str, path: str) -> tuple[float, dict]:
            groups = {"web": lambda: children(process.pid), "pg": backends, "redis": lambda: redis_pids}
            before = {key: cpu_us(pids()) for key, pids in groups.items()}
            ran = resource.getrusage(resource.RUSAGE_CHILDREN)
            args = [
                "wrk",
                "-t2",
                "-c8",
                f"-d{options.seconds}s",
                "--latency",
                "-H",
                f"Accept-Encoding: {options.encoding}",
            ]
            args.append(base + path)
            text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
            done = resource.getrusage(resource.RUSAGE_CHILDREN)
            if re.search(r"Non-2xx or 3xx responses", text):
                raise RuntimeError(f"{path}: answers that were not 200\n{text}")
            count = int(re.search(r"(\d+) requests in", text)[1])
            cpu = {key: (cpu_us(pids()) - before[key]) / count for key, pids in groups.items()}
            cpu["wrk"] = (done.ru_utime + done.ru_stime - ran.ru_utime - ran.ru_stime) * 1e6 / count
            cpu["all"] = sum(cpu.values())
            cpu["p50"] = wrk_ms(re.search(r"^\s+50%\s+(\S+)$", text, re.MULTILINE)[1])
            return float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1]), cpu

        ratios = {name: {answer: [] for answer in ANSWERS} for name in servers}
        cpus = {name: {path: [] for path in ("ping", *ANSWERS)} for name in servers}
        for round_ in range(options.rounds):
            for name in ("A", "B") if round_ % 2 == 0 else ("B", "A"):
                process, base = servers[name]
                before, cpu = measured(process, base, "/bench/ping")
                cpus[name]["ping"].append(cpu)
                line = [f"{time.strftime('%H:%M:%S')} round {round_} {name}: trivial {before:.0f}"]
                for answer in ANSWERS:
                    rps, cpu = measured(process, base, paths[answer])
                    cpus[name][answer].append(cpu)
                    after, cpu = measured(process, base, "/bench/ping")
                    cpus[name]["ping"].append(cpu)
                    ratios[name][answer].append(rps / ((before + after) / 2))
                    line.append(f"{answer} {rps:.0f} ({ratios[name][answer][-1]:.2f})")
                    before = after
                print(" ".join(line), flush=True)
    finally:
        for process, _ in servers.values():
            process.terminate()
        for process, _ in servers.values():
            process.wait(30)

    print("\nthroughput against the trivial endpoint beside it: median (range)")
    for name, found in ratios.items():
        print(name, "  ".join(f"{a} {statistics.median(r):.2f} ({min(r):.2f}-{max(r):.2f})" for a, r in found.items()))
    print("\nCPU µs per request, median of the slices: web / pg / redis / wrk / all; the trivial endpoint's all / this;"
          " wrk's p50 in ms")  # fmt: skip
    for name, found in cpus.items():
        trivial = statistics.median(c["all"] for c in found["ping"])
        for path, slices in found.items():
            m = {key: statistics.median(c[key] for c in slices) for key in slices[0]}
            figures = " / ".join(f"{m[key]:.0f}" for key in ("web", "pg", "redis", "wrk", "all"))
            print(f"{name} {path:8} {figures}   {trivial / m['all']:.2f}   p50 {m['p50']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
