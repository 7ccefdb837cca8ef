#!/usr/bin/env python3
"""Benchmark of the schedule engine (issue 2): an organisation of 200 schedules x 3 layers
x 6 members; times `rota shifts --json` over 90 days and `rota now`, printing medians and
peak memory. Run: python3 bench/schedules.py [--runs N] [--binary PATH]
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

ZONES = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]

def organisation(directory, schedules=200, layers=3, members=6):
    people = [f"p{i:04d}" for i in range(schedules * members)]
    with open(os.path.join(directory, "org.yaml"), "w") as f:
        f.write("settings:\n  timezone: Europe/Paris\npeople:\n")
        for p in people:
            f.write(f"  - id: {p}\n    contacts:\n      - command: [\"/bin/true\"]\n")
        f.write("schedules:\n")
        for s in range(schedules):
            team = people[s * members:(s + 1) * members]
            f.write(f"  - id: s{s:03d}\n    timezone: {ZONES[s % len(ZONES)]}\n    layers:\n")
            for l in range(layers):
                shift = ["1w", "1d", "12h"][l % 3]
                f.write(f"      - name: l{l}\n        members: [{', '.join(team[l:] + team[:l])}]\n"
                        f"        start: 2026-01-0{5 + l}T09:00\n        shift: {shift}\n")
                if l == 1:
                    f.write("        restrict:\n          - {days: mon-fri, from: \"09:00\", to: \"18:00\"}\n")
                if l == 2:
                    f.write("        restrict:\n          - {days: [sat, sun], from: \"08:00\", to: \"20:00\"}\n")
            f.write(f"    overrides:\n      - {{person: {team[0]}, from: 2026-12-24T18:00, to: 2026-12-26T09:00}}\n")

def measure(argv, env, runs):
    """Median wall time (s) and peak RSS (MiB) over `runs` runs."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        if status != 0:
            sys.exit(f"{' '.join(argv)} failed: {proc.stderr.read().decode()}")
    return statistics.median(times), max(peaks)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--binary", default=".build/release/rota")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "rota", "--static-swift-stdlib"], check=True)
    with tempfile.TemporaryDirectory() as directory:
        organisation(directory)
        env = dict(os.environ, ROTA_DIR=directory, ROTA_NOW="2026-12-01T10:00:00Z", ROTA_DB=os.path.join(directory, "rota.db"))
        rows = [
            ("rota shifts --json --days 90 (200 schedules)", [args.binary, "shifts", "--json", "--days", "90"], 0.3),
            ("rota now (200 schedules)", [args.binary, "now"], 0.030),
            ("rota now --json (200 schedules)", [args.binary, "now", "--json"], 0.030),
            ("rota check --days 28 (200 schedules)", [args.binary, "check", "--days", "28"], None),
            ("rota validate (200 schedules)", [args.binary, "validate"], None),
        ]
        print(f"{'command':48} {'median':>9} {'peak RSS':>9} {'target':>8}")
        for name, argv, target in rows:
            median, peak = measure(argv, env, args.runs)
            goal = f"{target * 1000:.0f} ms" if target else "-"
            print(f"{name:48} {median * 1000:7.1f} ms {peak:6.1f} MiB {goal:>8}")

if __name__ == "__main__":
    main()
