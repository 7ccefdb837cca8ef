#!/usr/bin/env python3
"""Benchmark of the escalation runner (issue 4).

A: 10,000 open acknowledged alerts and 100 due ones (each pages one person through
   /bin/true): time of the tick that plans and delivers them.
B: nothing due, with 1,000,000 resolved alerts (and their pages) in the history.
Prints medians over fresh copies of the database. Run: python3 bench/tick.py [--runs N]
"""
import argparse, os, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

ROTA = """
settings: {timezone: UTC}
people:
  - {id: ann, contacts: [{command: ["/bin/true"]}]}
  - {id: bob, contacts: [{command: ["/bin/true"]}]}
schedules:
  - id: s
    layers:
      - {members: [ann, bob], start: 2026-01-05T09:00, shift: 1w}
escalations:
  - id: e
    levels:
      - {notify: [schedule:s], escalate_after: 10m}
      - {notify: [person:bob], escalate_after: 10m}
services:
  - {id: web, escalation: e}
"""
NOW = 1_780_000_000.0  # 2026-05-28T20:26:40Z

def ms(t):
    """Instants are stored as whole milliseconds since 1970."""
    return None if t is None else int(round(t * 1000))

def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))

def fresh_state(directory, binary, rota, now):
    """A rotas directory holding `rota` and a database rota has made (migrated), to fill with rows."""
    rotas = os.path.join(directory, "rotas")
    os.makedirs(rotas, exist_ok=True)
    with open(os.path.join(rotas, "r.yaml"), "w") as f:
        f.write(rota)
    db = os.path.join(directory, "rota.db")
    env = dict(os.environ, ROTA_DIR=rotas, ROTA_DB=db)
    subprocess.run([binary, "status", "--now", iso(now - 86400 * 200)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return rotas, db

def prepare(directory, binary, acked, due, resolved):
    rotas, db = fresh_state(directory, binary, ROTA, NOW)
    con = sqlite3.connect(db)
    cols = "(service, escalation, status, summary, severity, created_at, round, cycle_first_round, next_level, next_due_at, wake_at, acknowledged_at, resolved_at)"
    def rows(n, status, created, level, due_at, wake, acked_at, resolved_at):
        return ((f"web", "e", status, f"alert {i}", "high", ms(created), 1, 1, level, ms(due_at), ms(wake), ms(acked_at), ms(resolved_at))
                for i in range(n))
    con.executemany(f"INSERT INTO alert {cols} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    rows(resolved, "resolved", NOW - 86400 * 100, None, None, None, None, NOW - 86400 * 99))
    if resolved:
        con.execute("""INSERT INTO page (alert_id, round, level, person, contact, contact_kind, level_due_at, due_at, status, sent_at)
                       SELECT id, 1, 1, 'ann', 0, 'command', created_at, created_at, 'sent', created_at FROM alert WHERE status = 'resolved'""")
    con.executemany(f"INSERT INTO alert {cols} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    rows(acked, "acknowledged", NOW - 3600, None, None, None, NOW - 3000, None))
    con.executemany(f"INSERT INTO alert {cols} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    rows(due, "triggered", NOW - 660, 2, NOW - 60, NOW - 60, None, None))
    con.execute("INSERT OR REPLACE INTO runner (id, last_tick_at) VALUES (1, ?)", (ms(NOW - 60),))
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return rotas, db

def measure(binary, rotas, db, runs):
    times = []
    for _ in range(runs):
        copy = db + ".run"
        shutil.copyfile(db, copy)
        # Flush the copy first, or the tick's first fsync would pay for writing it out.
        with open(copy, "rb+") as f:
            os.fsync(f.fileno())
        env = dict(os.environ, ROTA_DIR=rotas, ROTA_DB=copy)
        start = time.perf_counter()
        result = subprocess.run([binary, "tick", "--json", "--now", iso(NOW)], env=env, capture_output=True)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            sys.exit(f"tick failed: {result.stderr.decode()}")
        pages = result.stdout.count(b'"status":"sent"')
        for suffix in ("", "-wal", "-shm", ".tick-lock"):
            if os.path.exists(copy + suffix):
                os.remove(copy + suffix)
    return statistics.median(times), pages

def arguments(runs):
    """--runs and --binary; builds the release binary when it is missing. Returns (args, binary)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--binary", default=".build/release/rota")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "rota", "--static-swift-stdlib"], check=True)
    return args, os.path.abspath(args.binary)

def main():
    args, binary = arguments(9)
    with tempfile.TemporaryDirectory() as directory:
        a = os.path.join(directory, "a"); os.makedirs(a)
        rotas, db = prepare(a, binary, acked=10_000, due=100, resolved=0)
        median, pages = measure(binary, rotas, db, args.runs)
        print(f"A  10,000 acknowledged + 100 due alerts: tick {median * 1000:.0f} ms median, {pages} pages sent (target < 100 ms)")
        b = os.path.join(directory, "b"); os.makedirs(b)
        started = time.perf_counter()
        rotas, db = prepare(b, binary, acked=0, due=0, resolved=1_000_000)
        print(f"   (history of 1,000,000 resolved alerts and pages built in {time.perf_counter() - started:.0f} s, {os.path.getsize(db) / 2**20:.0f} MiB)")
        median, pages = measure(binary, rotas, db, args.runs)
        print(f"B  nothing due, 1,000,000 resolved alerts: tick {median * 1000:.0f} ms median (target < 30 ms)")

if __name__ == "__main__":
    main()
