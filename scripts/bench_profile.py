"""Where a rendered request of each key page spends its time (`make bench ARGS="--profile"`).

In-process, page cache off, as the member of each page: the median over `repeat` requests of the
CPU time of the whole request, the time spent waiting for PostgreSQL (every query timed through a
database execute wrapper) and the number of queries; then one request under cProfile, whose top
functions by cumulative and by own time are written to .tmp/bench/profile/<page>.txt. CPU time counts only
this process, so other work on the machine changes it far less than wall time.
"""

import cProfile
import io
import pstats
import re
import statistics
import time
from pathlib import Path


class _SqlTimer:
    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "page"


def profile_pages(pages, out_dir: Path, repeat: int = 15) -> list[dict]:
    from bench import _request  # noqa: I001 - scripts/ is on sys.path
    from bench_mixed import sign_in
    from django.db import connection
    from django.test import Client, override_settings

    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    with override_settings(PAGE_CACHE_SECONDS=0):
        for page in pages:
            client = Client(HTTP_HOST="127.0.0.1")
            if page.user is not None:
                sign_in(client, page.user)
            _request(client, page)  # session, badge counts and fragment caches warm, as for a member
            cpu, wall, sql, queries = [], [], [], 0
            for _ in range(repeat):
                timer = _SqlTimer()
                with connection.execute_wrapper(timer):
                    started_cpu, started = time.process_time(), time.perf_counter()
                    response = _request(client, page)
                    cpu.append(time.process_time() - started_cpu)
                    wall.append(time.perf_counter() - started)
                sql.append(timer.seconds)
                queries = timer.count
            profiler = cProfile.Profile()
            profiler.enable()
            _request(client, page)
            profiler.disable()
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(30)
            (out_dir / f"{_slug(page.name)}.txt").write_text(text.getvalue())
            rows.append(
                {
                    "name": page.name,
                    "status": response.status_code,
                    "cpu_ms": statistics.median(cpu) * 1000,
                    "wall_ms": statistics.median(wall) * 1000,
                    "sql_ms": statistics.median(sql) * 1000,
                    "queries": queries,
                }
            )
            print(f"[bench] profiled {page.name}", flush=True)
    return rows


def print_profile(rows, out_dir: Path) -> None:
    print(f"| {'page':<32} | {'status':>6} | {'wall ms':>7} | {'CPU ms':>6} | {'SQL ms':>6} | {'queries':>7} |")
    print(f"|{'-' * 34}|--------|---------|--------|--------|---------|")
    for row in rows:
        print(
            f"| {row['name']:<32} | {row['status']:>6} | {row['wall_ms']:>7.1f} | {row['cpu_ms']:>6.1f} "
            f"| {row['sql_ms']:>6.1f} | {row['queries']:>7} |"
        )
    print(f"\nMedian of 15 rendered requests in-process. Profiles (cProfile, cumulative) in {out_dir}/")
