"""Benchmark the key pages against the floor, the way production runs the portal.

gunicorn (persistent database connections), PostgreSQL, the Redis cache, DEBUG off; `wrk` at 16
connections per page, signed in where the page needs it. For each page: requests per second,
p50/p95/p99 latency, errors, SQL queries per request and the ratio to the floor (a minimal page
of the same Django: a template with a form and 20 list items, no query). Prints a table and
writes JSON. Each app lists its pages in `<app>/bench.py` as `def bench_pages() -> list[Page]`.
"""

import argparse
import importlib
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


@dataclass
class Page:
    name: str
    path: str
    role: str | None = None  # a Role value: the demo user of that role is signed in


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)))
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument("--factor", default=os.environ.get("BENCH_FACTOR", ""), help="seed_scale factor, if any")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--out", default=str(BASE_DIR / ".tmp" / "bench" / "results.json"))
    parser.add_argument("--sign-count", type=int, default=100, help="awards signed by a real worker (0: skip)")
    return parser.parse_args()


def collect_pages() -> list[Page]:
    pages = [Page("floor", "/bench/floor/"), Page("home", "/"), Page("home (signed in)", "/", "student")]
    for label in ("community", "courses", "internships", "credentials"):
        try:
            module = importlib.import_module(f"{label}.bench")
        except ModuleNotFoundError as exc:
            if exc.name != f"{label}.bench":
                raise
            continue
        pages += [Page(**vars(page)) if not isinstance(page, Page) else page for page in module.bench_pages()]
    return pages


def session_cookies() -> dict[str, str]:
    from django.conf import settings
    from django.test import Client

    from community.models import Role, User

    cookies = {}
    for role in Role:
        user = User.objects.filter(groups__name=role.value, is_active=True).order_by("pk").first()
        if user:
            client = Client()
            client.force_login(user)
            cookies[role.value] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def count_queries(pages: list[Page]) -> dict[str, tuple[int, int]]:
    """SQL queries and status of each page on its second request (caches warm), in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from community.models import User

    result = {}
    for page in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        if page.role:
            client.force_login(User.objects.filter(groups__name=page.role).order_by("pk").first())
        client.get(page.path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
        result[page.name] = (len(queries), response.status_code)
    return result


def run_wrk(url, cookie, duration, connections):
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-s",
        str(BASE_DIR / "scripts" / "bench.lua"),
    ]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("JSON "))
    stats = json.loads(line[5:])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats


def bench_secret() -> str:
    """The bench database's own key-encryption secret, made once and kept beside it in .tmp/."""
    import secrets

    path = BASE_DIR / ".tmp" / "bench" / "key-encryption-secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def measure_signing(count: int) -> str:
    """Credentials signed per second by a real Celery worker, and the verify endpoint's latency."""
    import io

    from django.core.management import call_command

    log_path = BASE_DIR / ".tmp" / "bench" / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [
                str(BASE_DIR / ".venv" / "bin" / "celery"),
                "-A",
                "jige_portal",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "-n",
                "bench@%h",
            ],
            cwd=BASE_DIR,
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            time.sleep(5)  # the worker connects to Redis; tasks queued meanwhile simply wait
            output = io.StringIO()
            call_command("bench_signing", count=count, stdout=output)
            return output.getvalue().strip()
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)


def main():
    args = parse_args()
    os.environ.setdefault("CREDENTIALS_KEY_ENCRYPTION_KEY", bench_secret())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jige_portal.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production")
    os.environ["CONN_MAX_AGE"] = "60"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    if args.factor:
        call_command("seed_scale", factor=float(args.factor))

    pages = collect_pages()
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")} | {"floor"}
        pages = [page for page in pages if page.name in wanted]
    queries = count_queries(pages)
    cookies = session_cookies()

    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    server = subprocess.Popen(
        [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "jige_portal.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/bench/floor/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        results = []
        for page in pages:
            cookie = cookies.get(page.role) if page.role else None
            run_wrk(base + page.path, cookie, 1, args.connections)  # warm-up
            stats = run_wrk(base + page.path, cookie, args.duration, args.connections)
            results.append({**asdict(page), **stats, "queries": queries[page.name][0], "status": queries[page.name][1]})
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    signing_report = measure_signing(args.sign_count) if args.sign_count else ""

    floor = next(result["rps"] for result in results if result["name"] == "floor")
    for result in results:
        result["ratio_to_floor"] = result["rps"] / floor
    report = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "settings": {
            "workers": args.workers,
            "connections": args.connections,
            "duration_s": args.duration,
            "factor": args.factor or None,
        },
        "pages": results,
        "signing": signing_report,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))

    header = (
        f"| {'page':<32} | {'req/s':>8} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} "
        f"| {'errors':>6} | {'SQL':>4} | {'× floor':>7} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for r in results:
        errors = r["errors"] + r["non_2xx"]
        print(
            f"| {r['name']:<32} | {r['rps']:>8.0f} | {r['p50_us'] / 1000:>7.1f} | {r['p95_us'] / 1000:>7.1f} "
            f"| {r['p99_us'] / 1000:>7.1f} | {errors:>6} | {r['queries']:>4} | {r['ratio_to_floor']:>7.2f} |"
        )
    if signing_report:
        print(f"\nSigning in a real Celery worker:\n{signing_report}")
    failing = [r["name"] for r in results if r["status"] != 200]
    if failing:
        print(f"\nWARNING: not 200 in-process: {', '.join(failing)}")
    print(f"\nJSON written to {out}")


if __name__ == "__main__":
    main()
