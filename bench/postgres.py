#!/usr/bin/env python3
"""Benchmark of the PostgreSQL store beside SQLite, in the same run (issue 13).

A: 10,000 open acknowledged alerts and 100 due ones (each pages one person through /bin/true):
   the tick that plans and delivers them; on PostgreSQL also two runners (two `rota tick`
   processes, as on two hosts) at once, timed until both are done.
B: nothing due, with 1,000,000 resolved alerts (and their pages) in the history: an idle tick.
R: `rota alert raise` (a new alert, paged through /bin/true), one process per raise.

The states are built in SQLite by bench/tick.py's builder, then copied with `rota migrate` into
a PostgreSQL template database; each run ticks a fresh copy (CREATE DATABASE ... TEMPLATE).
Needs a server: ROTA_TEST_POSTGRES (default postgres://rota@127.0.0.1:5432, the role .ci/run
makes) and PGPASSWORD (default rota-test). Run: python3 bench/postgres.py [--runs N]
"""
import os, statistics, subprocess, sys, tempfile, time, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tick import arguments, measure, prepare, iso, NOW  # noqa: E402

BASE = os.environ.get("ROTA_TEST_POSTGRES", "postgres://rota@127.0.0.1:5432")
os.environ.setdefault("PGPASSWORD", "rota-test")
HOST, PORT = BASE.split("@")[1].split(":")[0], BASE.rsplit(":", 1)[1]
USER = BASE.split("//")[1].split("@")[0]


def psql(sql):
    subprocess.run(["psql", "-h", HOST, "-p", PORT, "-U", USER, "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                   check=True, stdout=subprocess.DEVNULL)


def template_from(binary, db):
    name = "rota_bench_" + uuid.uuid4().hex[:10]
    psql(f"CREATE DATABASE {name}")
    subprocess.run([binary, "migrate", "--from", f"sqlite:{db}", "--to", f"{BASE}/{name}"], check=True, stdout=subprocess.DEVNULL)
    return name


def run_ticks(binary, rotas, database, processes):
    """Starts `processes` ticks at once; returns the wall time until all are done and the pages sent."""
    env = dict(os.environ, ROTA_DIR=rotas, ROTA_DB=database, ROTA_TICK_LOCK="off")
    start = time.perf_counter()
    running = [subprocess.Popen([binary, "tick", "--json", "--now", iso(NOW)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for _ in range(processes)]
    outputs = [p.communicate() for p in running]
    elapsed = time.perf_counter() - start
    for p, (out, err) in zip(running, outputs):
        if p.returncode != 0:
            sys.exit(f"tick failed: {err.decode()}")
    return elapsed, sum(out.count(b'"status":"sent"') for out, _ in outputs)


def measure_postgres(binary, rotas, template, runs, processes=1):
    times = []
    for _ in range(runs):
        name = "rota_run_" + uuid.uuid4().hex[:10]
        psql(f"CREATE DATABASE {name} TEMPLATE {template}")
        try:
            elapsed, pages = run_ticks(binary, rotas, f"{BASE}/{name}", processes)
            times.append(elapsed)
        finally:
            psql(f"DROP DATABASE {name}")
    return statistics.median(times), pages


def raise_latency(binary, rotas, database, count):
    env = dict(os.environ, ROTA_DIR=rotas, ROTA_DB=database)
    times = []
    for i in range(count):
        start = time.perf_counter()
        subprocess.run([binary, "alert", "raise", "--service", "web", "--summary", f"raise {i}", "--now", iso(NOW + i)],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    args, binary = arguments(7)
    templates = []
    try:
        with tempfile.TemporaryDirectory() as directory:
            a = os.path.join(directory, "a"); os.makedirs(a)
            rotas, db = prepare(a, binary, acked=10_000, due=100, resolved=0)
            template = template_from(binary, db); templates.append(template)
            sqlite, pages = measure(binary, rotas, db, args.runs)
            one, pages_pg = measure_postgres(binary, rotas, template, args.runs)
            two, pages_two = measure_postgres(binary, rotas, template, args.runs, processes=2)
            print(f"A  10,000 acknowledged + 100 due: SQLite {sqlite * 1000:.0f} ms ({pages} pages); "
                  f"PostgreSQL one runner {one * 1000:.0f} ms ({pages_pg} pages), two runners at once {two * 1000:.0f} ms ({pages_two} pages)")

            b = os.path.join(directory, "b"); os.makedirs(b)
            rotas, db = prepare(b, binary, acked=0, due=0, resolved=1_000_000)
            started = time.perf_counter()
            template = template_from(binary, db); templates.append(template)
            print(f"   (1,000,000 resolved alerts and pages copied into PostgreSQL by rota migrate in {time.perf_counter() - started:.0f} s)")
            sqlite, _ = measure(binary, rotas, db, args.runs)
            postgres, _ = measure_postgres(binary, rotas, template, args.runs)
            print(f"B  idle tick, 1,000,000 resolved alerts: SQLite {sqlite * 1000:.0f} ms, PostgreSQL {postgres * 1000:.0f} ms (target < 60 ms)")

            r = os.path.join(directory, "r"); os.makedirs(r)
            rotas, db = prepare(r, binary, acked=0, due=0, resolved=0)
            name = "rota_raise_" + uuid.uuid4().hex[:10]
            psql(f"CREATE DATABASE {name}"); templates.append(name)
            sqlite = raise_latency(binary, rotas, db, 30)
            postgres = raise_latency(binary, rotas, f"{BASE}/{name}", 30)
            print(f"R  rota alert raise (paged at once): SQLite {sqlite * 1000:.0f} ms, PostgreSQL {postgres * 1000:.0f} ms median of 30")
    finally:
        for name in templates:
            psql(f"DROP DATABASE IF EXISTS {name}")


if __name__ == "__main__":
    main()
