#!/usr/bin/env python3
"""Benchmark of the response report (issue 24).

100,000 incidents opened in the report's 30 days and 100,000 in the 30 days before (the report
reads both: the previous period is shown beside), each with its level-1 page, a third with a
level-2 page, 80 % acknowledged in the log and 90 % resolved; people in three zones. Times
`rota report response --json` and `--csv` over fresh copies of the database, medians.
Run: python3 bench/report.py [--runs N] [--incidents N]
"""
import argparse, os, random, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

from tick import fresh_state, iso, ms  # a migrated database; instants as stored, and as --now reads them

ROTA = """
settings: {timezone: Europe/Paris, executives: [person:boss]}
people:
  - {id: ann, timezone: Europe/Paris, contacts: [{command: ["/bin/true"]}]}
  - {id: bob, timezone: America/New_York, contacts: [{command: ["/bin/true"]}]}
  - {id: chen, timezone: Asia/Tokyo, contacts: [{command: ["/bin/true"]}]}
  - {id: lead, contacts: [{command: ["/bin/true"]}]}
  - {id: boss, contacts: [{command: ["/bin/true"]}]}
schedules:
  - id: ops
    timezone: UTC
    layers:
      - {members: [ann, bob, chen], start: "2026-01-05T00:00", shift: 8h}
escalations:
  - id: e
    levels:
      - {notify: [schedule:ops], escalate_after: 5m}
      - {notify: [person:lead], escalate_after: 10m}
      - {notify: [person:boss]}
services:
  - {id: web, escalation: e}
  - {id: api, escalation: e}
  - {id: shop, escalation: e}
"""
NOW = 1_796_000_000.0  # 2026-11-30T01:33:20Z

def prepare(directory, binary, incidents):
    rotas, db = fresh_state(directory, binary, ROTA, NOW)
    random.seed(24)
    con = sqlite3.connect(db)
    alerts, pages, events = [], [], []
    people = ["ann", "bob", "chen"]
    for i in range(2 * incidents):
        created = NOW - 60 * 86400 + (i + random.random()) * (60 * 86400 / (2 * incidents))
        acked = created + random.randint(10, 1800) if random.random() < 0.8 else None
        resolved = (acked or created) + random.randint(60, 7200) if random.random() < 0.9 else None
        status = "resolved" if resolved else ("acknowledged" if acked else "triggered")
        alerts.append((i + 1, random.choice(["web", "api", "shop"]), "e", status, f"incident {i}", "high", ms(created), 1, 1,
                       ms(acked), "ann" if acked else None, ms(resolved), "ann" if resolved else None))
        person = people[int(created // (8 * 3600)) % 3]
        pages.append((i + 1, 1, 1, person, 0, "command", ms(created), ms(created), "sent", ms(created + 1)))
        if i % 3 == 0:
            pages.append((i + 1, 1, 2, "lead", 0, "command", ms(created + 300), ms(created + 300), "sent", ms(created + 301)))
        if acked:
            events.append((ms(acked), random.choice(people + ["lead"]), "alert.acknowledged", f"alert #{i + 1} acknowledged", i + 1))
    con.executemany("""INSERT INTO alert (id, service, escalation, status, summary, severity, created_at, round, cycle_first_round,
                       acknowledged_at, acknowledged_by, resolved_at, resolved_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""", alerts)
    con.executemany("""INSERT INTO page (alert_id, round, level, person, contact, contact_kind, level_due_at, due_at, status, sent_at)
                       VALUES (?,?,?,?,?,?,?,?,?,?)""", pages)
    con.executemany("INSERT INTO event (at, actor, event, detail, alert_id) VALUES (?,?,?,?,?)", events)
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return rotas, db

def measure(binary, rotas, db, runs, flag):
    times = []
    output = b""
    for _ in range(runs):
        copy = db + ".run"
        shutil.copyfile(db, copy)
        env = dict(os.environ, ROTA_DIR=rotas, ROTA_DB=copy)
        start = time.perf_counter()
        result = subprocess.run([binary, "report", "response", flag, "--now", iso(NOW)], env=env, capture_output=True)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            sys.exit(f"report failed: {result.stderr.decode()}")
        output = result.stdout
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(copy + suffix):
                os.remove(copy + suffix)
    return statistics.median(times), output

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--binary", default=".build/release/rota")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "rota", "--static-swift-stdlib"], check=True)
    binary = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        rotas, db = prepare(directory, binary, args.incidents)
        print(f"(history of {2 * args.incidents:,} incidents built in {time.perf_counter() - started:.0f} s, {os.path.getsize(db) / 2**20:.0f} MiB)")
        median, output = measure(binary, rotas, db, args.runs, "--json")
        counted = output.split(b'"incidents":')[1].split(b",")[0].decode()
        print(f"rota report response --json over {args.incidents:,} incidents (+ the previous period's): {median * 1000:.0f} ms median, "
              f"{counted} counted (target < 1 s)")
        median, _ = measure(binary, rotas, db, args.runs, "--csv")
        print(f"rota report response --csv: {median * 1000:.0f} ms median")

if __name__ == "__main__":
    main()
