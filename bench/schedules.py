#!/usr/bin/env python3
"""Benchmark of the schedule engine (issue 2): an organisation of 200 schedules x 3 layers
x 6 members; times `rota shifts --json` over 90 days and `rota now`, printing medians and
peak memory; then the same 90 days the iCal way (bench/ical_approach.py: python-icalendar and
recurring-ical-events expanding one recurring VEVENT per member, as Grafana OnCall does),
checks that both answers are byte for byte the same and prints the ratio (issue 26: >= 50x).
Run: python3 bench/schedules.py [--runs N] [--binary PATH] [--ical-runs N]
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

ZONES = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]

LAYERS = [  # per layer index: shift, and the restriction written in the file (None: all day)
    ("1w", None),
    ("1d", ("mon-fri", "09:00", "18:00")),
    ("12h", ("[sat, sun]", "08:00", "20:00")),
]

def spec(schedules=200, layers=3, members=6):
    """The organisation as data: bench/ical_approach.py builds its calendars from the same."""
    people = [f"p{i:04d}" for i in range(schedules * members)]
    result = []
    for s in range(schedules):
        team = people[s * members:(s + 1) * members]
        result.append({
            "id": f"s{s:03d}", "timezone": ZONES[s % len(ZONES)],
            "layers": [{"name": f"l{l}", "members": team[l:] + team[:l], "start": f"2026-01-0{5 + l}T09:00",
                        "shift": LAYERS[l % 3][0], "restrict": LAYERS[l % 3][1]} for l in range(layers)],
            "override": {"person": team[0], "from": "2026-12-24T18:00", "to": "2026-12-26T09:00"},
        })
    return people, result

def organisation(directory, schedules=200, layers=3, members=6):
    people, org = spec(schedules, layers, members)
    with open(os.path.join(directory, "org.yaml"), "w") as f:
        f.write("settings:\n  timezone: Europe/Paris\npeople:\n")
        for p in people:
            f.write(f"  - id: {p}\n    contacts:\n      - command: [\"/bin/true\"]\n")
        f.write("schedules:\n")
        for schedule in org:
            f.write(f"  - id: {schedule['id']}\n    timezone: {schedule['timezone']}\n    layers:\n")
            for layer in schedule["layers"]:
                f.write(f"      - name: {layer['name']}\n        members: [{', '.join(layer['members'])}]\n"
                        f"        start: {layer['start']}\n        shift: {layer['shift']}\n")
                if layer["restrict"]:
                    days, start, end = layer["restrict"]
                    f.write(f"        restrict:\n          - {{days: {days}, from: \"{start}\", to: \"{end}\"}}\n")
            o = schedule["override"]
            f.write(f"    overrides:\n      - {{person: {o['person']}, from: {o['from']}, to: {o['to']}}}\n")

def measure(argv, env, runs, accept=(0,)):
    """Median wall time (s) and peak RSS (MiB) over `runs` runs; exit statuses outside `accept` stop it."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) not in accept:
            sys.exit(f"{' '.join(argv)} failed: {proc.stderr.read().decode()}")
    return statistics.median(times), max(peaks)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--binary", default=".build/release/rota")
    parser.add_argument("--ical-runs", type=int, default=5, help="runs of the iCal approach (0: skip it)")
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
            if argv[1] == "shifts":
                shifts = median
        if args.ical_runs:
            compare_ical(directory, env, [args.binary, "shifts", "--json", "--days", "90"], shifts, args.ical_runs)

def compare_ical(directory, env, argv, shifts, runs):
    """The same 90 days from one recurring VEVENT per member, expanded (bench/ical_approach.py)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ical_approach.py")
    calendars = os.path.join(directory, "ical")
    os.mkdir(calendars)
    subprocess.run([sys.executable, script, "--write", calendars], check=True)
    command = [sys.executable, script, "--expand", calendars, "--from", env["ROTA_NOW"], "--days", "90"]
    ours = subprocess.run(argv, env=env, check=True, capture_output=True).stdout
    theirs = subprocess.run(command, check=True, capture_output=True).stdout
    if ours != theirs:
        sys.exit(f"the iCal approach answers differently ({len(theirs)} bytes against rota's {len(ours)})")
    median, peak = measure(command, os.environ, runs)
    print(f"{'iCal approach, same 90 days (answers identical)':48} {median * 1000:7.1f} ms {peak:6.1f} MiB {'-':>8}")
    print(f"{'rota shifts against the iCal approach':48} {median / shifts:7.1f} x {'':9} {'50 x':>8}")

if __name__ == "__main__":
    main()
