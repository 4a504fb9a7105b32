"""Benchmark the key pages against the floor, the way production runs the portal.

gunicorn (persistent database connections), PostgreSQL, the Redis cache, DEBUG off; `wrk` at 16
connections per page, signed in where the page needs it. For each page: requests per second,
p50/p95/p99 latency, errors, SQL queries per request and the ratio to the floor (a minimal page
of the same Django: a template with a form and 20 list items, no query). Prints a table and
writes JSON. The pages are listed in jige_portal/key_pages.py.
"""

import argparse
import contextlib
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "scripts"))


def collect_pages(only: str):
    """The floor beside every key page (jige_portal/key_pages.py) of the scale data set."""
    from jige_portal.key_pages import KeyPage, key_pages

    pages = [KeyPage("floor", "/bench/floor/"), *key_pages()]
    if only:
        # A page's name or its beginning ("group finder" for "group finder (filter, 東京)").
        wanted = [name.strip() for name in only.split(",") if name.strip()] + ["floor"]
        pages = [page for page in pages if any(page.name.startswith(name) for name in wanted)]
    return pages


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)))
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument(
        "--factor",
        default=os.environ.get("BENCH_FACTOR", "1"),
        help="seed_scale factor used when the database holds no scale data yet (default 1: the full size)",
    )
    parser.add_argument("--only", default="", help="comma-separated page names, or their beginnings")
    parser.add_argument("--out", default=str(BASE_DIR / ".tmp" / "bench" / "results.json"))
    parser.add_argument("--sign-count", type=int, default=100, help="awards signed by a real worker (0: skip)")
    parser.add_argument("--message-count", type=int, default=100, help="messages sent through a real worker (0: skip)")
    parser.add_argument(
        "--mixed-duration",
        type=int,
        default=int(os.environ.get("BENCH_MIXED_DURATION", 60)),
        help="seconds of the mixed run of many members with writes (0: skip)",
    )
    parser.add_argument("--mixed-members", type=int, default=200)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="only profile a rendered request of each page in-process (CPU, SQL, cProfile) and stop",
    )
    return parser.parse_args()


def session_cookies(pages) -> dict[int, str]:
    """A session per member signed in by some page, made the way a sign-in makes it."""
    from bench_mixed import sign_in  # noqa: I001 - scripts/ is on sys.path
    from django.conf import settings
    from django.test import Client

    cookies = {}
    for page in pages:
        if page.user is not None and page.user.pk not in cookies:
            client = Client()
            sign_in(client, page.user)
            cookies[page.user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def _request(client, page):
    if page.method == "POST":
        return client.post(page.url, page.body, content_type=page.content_type)
    return client.get(page.url)


def count_queries(pages) -> dict[str, dict]:
    """SQL queries and status of each page on its second request (session and badge caches
    warm), in-process: rendered (page cache off) and served from the page cache."""
    from bench_mixed import sign_in  # noqa: I001 - scripts/ is on sys.path
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    result = {}
    for page in pages:
        counts = {}
        for mode, seconds in (("rendered", 0), ("cached", 300)):
            client = Client(HTTP_HOST="127.0.0.1")
            if page.user is not None:
                sign_in(client, page.user)
            with override_settings(PAGE_CACHE_SECONDS=seconds):
                _request(client, page)
                with CaptureQueriesContext(connection) as queries:
                    response = _request(client, page)
            counts[mode] = len(queries)
            counts["status"] = response.status_code
        result[page.name] = counts
    return result


def measure_search(repeat: int = 20) -> list[dict]:
    """Time of the finder's, the catalogue's and the internship list's search (count + first
    page, as the list pages run them) in-process on the seeded database, per term."""
    import statistics

    from community.models import CommunityGroup
    from community.search import apply_search
    from courses.models import Module
    from internships.models import Posting

    targets = [
        ("groups", CommunityGroup.objects.filter(visibility="public"), "search_text", ("-member_count", "name", "pk")),
        ("modules", Module.objects.filter(status="published"), "search_text", ("title", "pk")),
        ("postings", Posting.objects.filter(status="published"), "search_text", ("application_deadline", "pk")),
    ]
    terms = ["東京", "京都", "大阪", "留学", "日本語", "ロボット工学", "hiking", "energy", "robotics", "data science"]
    rows = []
    for label, queryset, field, ordering in targets:
        for term in terms:
            searched = apply_search(queryset, term, field)
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                count = searched.count()
                list(searched.order_by(*ordering)[:20])
                timings.append((time.perf_counter() - started) * 1000)
            rows.append(
                {
                    "list": label,
                    "term": term,
                    "matches": count,
                    "p50_ms": statistics.median(timings),
                    "max_ms": max(timings),
                }
            )
    return rows


def sign_one_award():
    """The verify endpoint needs a signed credential: sign one public award in-process."""
    from django.db import transaction

    from credentials import signing
    from credentials.models import Award

    if Award.objects.filter(signed_credential__isnull=False, revoked_at__isnull=True).exists():
        return
    with transaction.atomic():
        award = Award.objects.select_for_update().filter(is_public=True, status="issued").order_by("pk").first()
        if award is not None:
            signing.sign_award(award=award)


def run_wrk(url, cookie, duration, connections, body_file=None):
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
    # bench.lua POSTs the file's bytes as JSON when BENCH_BODY_FILE names one.
    env = {**os.environ, "BENCH_BODY_FILE": str(body_file or "")}
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True, env=env).stdout
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


def measure_in_worker(sign_count: int, message_count: int) -> str:
    """In a real Celery worker: credentials signed per second and the verify endpoint's latency
    (bench_signing); message send latency and a post announced to a large group (bench_messaging)."""
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
            if sign_count:
                call_command("bench_signing", count=sign_count, stdout=output)
            if message_count:
                call_command("bench_messaging", count=message_count, stdout=output)
            return output.getvalue().strip()
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)


@contextlib.contextmanager
def gunicorn(args, cache_seconds):
    """gunicorn as production runs it, with the page cache on ("300") or off ("0"); yields its URL."""
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", "PAGE_CACHE_SECONDS": cache_seconds}
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
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def run_pages(args, pages, cookies, bodies, mode, cache_seconds) -> list[dict]:
    """Run wrk against every page on a fresh gunicorn; the server stops after."""
    results = []
    with gunicorn(args, cache_seconds) as base:
        for index, page in enumerate(pages):
            cookie = cookies.get(page.user.pk) if page.user is not None else None
            body_file = None
            if page.method == "POST":
                body_file = bodies / f"{index}.body"
                body_file.write_bytes(page.body)
            run_wrk(base + page.url, cookie, 1, args.connections, body_file)  # warm-up
            stats = run_wrk(base + page.url, cookie, args.duration, args.connections, body_file)
            row = {"name": page.name, "path": page.url, "method": page.method, "signed_in": page.user is not None}
            results.append({**row, **stats, "mode": mode})
            print(f"[bench] {mode} {page.name}: {stats['rps']:.0f} req/s", flush=True)
    return results


def run_mixed(args) -> dict:
    """The mixed run (scripts/bench_mixed.py) with the page cache on, beside the floor of the same server."""
    import bench_mixed  # noqa: I001 - scripts/ is on sys.path

    requests_file = BASE_DIR / ".tmp" / "bench" / "mixed.tsv"
    plan = bench_mixed.write_requests(requests_file, members=args.mixed_members)
    print(f"[bench] mixed run: {plan['members']} members, {plan['planned_requests']} requests to replay")
    with gunicorn(args, "300") as base:
        run_wrk(base + "/bench/floor/", None, 1, args.connections)
        floor = run_wrk(base + "/bench/floor/", None, args.duration, args.connections)
        command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.mixed_duration}s", "--latency"]
        command += ["-s", str(BASE_DIR / "scripts" / "bench_mixed.lua"), base + "/"]
        env = {**os.environ, "BENCH_MIXED_FILE": str(requests_file)}
        output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    line = next(line for line in output.splitlines() if line.startswith("JSON "))
    stats = json.loads(line[5:])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    looked_up = stats["cache_hits"] + stats["cache_misses"]
    stats["cache_hit_rate"] = stats["cache_hits"] / looked_up if looked_up else None
    stats["floor_rps"] = floor["rps"]
    stats["ratio_to_floor"] = stats["rps"] / floor["rps"]
    return {**plan, **stats}


def main():
    args = parse_args()
    os.environ.setdefault("CREDENTIALS_KEY_ENCRYPTION_KEY", bench_secret())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jige_portal.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production")
    os.environ["CONN_MAX_AGE"] = "60"
    os.environ["STATIC_MANIFEST"] = "1"  # hashed static files from collectstatic, as in production
    # The verify API's per-client limit lifted: every request of the load generator, and of the
    # in-process counts, comes from one address.
    os.environ["CREDENTIALS_VERIFY_RATE"] = "100000000"
    # The mixed run replays each member's plan two or three times a minute, which would make some
    # of them post more than the 5 a minute a member may (answered 429): its writes are meant to
    # be made, so the members' limits are lifted too.
    os.environ["COMMUNITY_RATE_LIMITS"] = '{"post": [100000000, 60], "message": [100000000, 60]}'
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    from jige_portal.key_pages import NoScaleData

    try:
        pages = collect_pages(args.only)
    except NoScaleData:
        print(f"[bench] seeding the scale data set at factor {args.factor} (a few minutes at 1)")
        call_command("seed_scale", factor=float(args.factor))
        pages = collect_pages(args.only)
    if any(page.method == "POST" for page in pages) or not args.only:
        sign_one_award()
        pages = collect_pages(args.only)
    if args.profile:
        import bench_profile  # noqa: I001 - scripts/ is on sys.path

        out_dir = BASE_DIR / ".tmp" / "bench" / "profile"
        bench_profile.print_profile(bench_profile.profile_pages(pages, out_dir), out_dir)
        return
    queries = count_queries(pages)
    cookies = session_cookies(pages)
    bodies = BASE_DIR / ".tmp" / "bench" / "bodies"
    bodies.mkdir(parents=True, exist_ok=True)
    search = measure_search()

    results = {}
    # Each page with the page cache on (as deployed; wrk repeats one URL, so this is the hit
    # path) and off (every request renders: what a first visit or a fresh change costs).
    for mode, cache_seconds in (("cached", "300"), ("rendered", "0")):
        results[mode] = run_pages(args, pages, cookies, bodies, mode, cache_seconds)

    # The worker first: the mixed run's writes queue their own follow-up tasks (a post announced to
    # a group of thousands, e-mails), which would otherwise delay the worker's measurements.
    worker_report = measure_in_worker(args.sign_count, args.message_count)

    mixed = None
    if args.mixed_duration and (not args.only or "mixed" in args.only.split(",")):
        mixed = run_mixed(args)
        print(f"[bench] mixed run: {mixed['rps']:.0f} req/s, p99 {mixed['p99_us'] / 1000:.0f} ms", flush=True)
        # What those writes queued is not part of any measurement: dropped, so that the next
        # `make bench` starts with an empty queue (their notifications are in the database).
        from jige_portal.celery import app as celery_app

        celery_app.control.purge()

    for mode_results in results.values():
        floor = next(result["rps"] for result in mode_results if result["name"] == "floor")
        for result in mode_results:
            result["ratio_to_floor"] = result["rps"] / floor
            result["queries"] = queries[result["name"]][result["mode"]]
            result["status"] = queries[result["name"]]["status"]
    report = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "settings": {
            "workers": args.workers,
            "connections": args.connections,
            "duration_s": args.duration,
            "factor": args.factor or None,
        },
        "pages": results["cached"],
        "pages_rendered": results["rendered"],
        "search": search,
        "mixed": mixed,
        "worker": worker_report,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))

    rendered = {r["name"]: r for r in results["rendered"]}
    header = (
        f"| {'page':<32} | {'req/s':>7} | {'p50 ms':>6} | {'p95 ms':>6} | {'p99 ms':>6} "
        f"| {'errors':>6} | {'SQL':>5} | {'× floor':>7} | {'rendered req/s':>14} | {'× floor':>7} | {'p99 ms':>6} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for r in results["cached"]:
        errors = r["errors"] + r["non_2xx"]
        c = rendered[r["name"]]
        errors += c["errors"] + c["non_2xx"]
        sql = f"{c['queries']}/{r['queries']}"
        print(
            f"| {r['name']:<32} | {r['rps']:>7.0f} | {r['p50_us'] / 1000:>6.1f} | {r['p95_us'] / 1000:>6.1f} "
            f"| {r['p99_us'] / 1000:>6.1f} | {errors:>6} | {sql:>5} | {r['ratio_to_floor']:>7.2f} "
            f"| {c['rps']:>14.0f} | {c['ratio_to_floor']:>7.2f} | {c['p99_us'] / 1000:>6.1f} |"
        )
    print("\nSQL: queries per request rendered / served from the page cache.")
    print("\nSearch (count + first page, in-process, ms):")
    print(f"| {'list':<8} | {'term':<14} | {'matches':>7} | {'p50':>6} | {'max':>6} |")
    print("|----------|----------------|---------|--------|--------|")
    for row in search:
        print(
            f"| {row['list']:<8} | {row['term']:<14} | {row['matches']:>7} "
            f"| {row['p50_ms']:>6.1f} | {row['max_ms']:>6.1f} |"
        )
    if mixed:
        from bench_mixed import WRITE_EVERY

        hit_rate = "n/a" if mixed["cache_hit_rate"] is None else f"{mixed['cache_hit_rate'] * 100:.0f} %"
        print(
            f"\nMixed run ({mixed['members']} members {mixed['by_role']}; {mixed['planned_requests']} requests, 1 in "
            f"{WRITE_EVERY} a write, shuffled; page cache on; {mixed['requests']} made in {args.mixed_duration} s):"
        )
        print("| req/s | p50 ms | p95 ms | p99 ms | errors | page cache hits | × floor |")
        print("|-------|--------|--------|--------|--------|-----------------|---------|")
        print(
            f"| {mixed['rps']:>5.0f} | {mixed['p50_us'] / 1000:>6.1f} | {mixed['p95_us'] / 1000:>6.1f} "
            f"| {mixed['p99_us'] / 1000:>6.1f} | {mixed['errors'] + mixed['non_2xx']:>6} | {hit_rate:>15} "
            f"| {mixed['ratio_to_floor']:>7.2f} |"
        )
    if worker_report:
        print(f"\nIn a real Celery worker:\n{worker_report}")
    failing = [r["name"] for r in results["cached"] if r["status"] != 200]
    if failing:
        print(f"\nWARNING: not 200 in-process: {', '.join(failing)}")
    print(f"\nJSON written to {out}")


if __name__ == "__main__":
    main()
