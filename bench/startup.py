#!/usr/bin/env python3
"""Start-up benchmark (issue 26): what a process costs before it does anything.

Side by side, each run as its own process, medians over --runs: a bare Foundation process
(compiled here with swiftc -O, dynamically and statically linked: the floor), then
`rota --version`, `rota now` on the example rotas and an idle `rota tick` (nothing due, a
fresh database). Prints wall time, CPU time (user + system) and peak RSS per process.
Run: python3 bench/startup.py [--binary PATH] [--runs N]
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

BARE = 'import Foundation\nprint(Date().timeIntervalSince1970 > 0 ? "bare" : "")\n'

def measure(command, runs, env=None):
    """Median wall ms, CPU ms and peak RSS MiB over `runs` runs of `command`."""
    walls, cpus, rss = [], [], []
    for _ in range(runs + 1):  # the first run warms the page cache and is dropped
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{' '.join(command)} failed: {child.stderr.read().decode()}")
        child.stderr.close()
        walls.append(wall * 1000); cpus.append((usage.ru_utime + usage.ru_stime) * 1000); rss.append(usage.ru_maxrss / 1024)
    return statistics.median(walls[1:]), statistics.median(cpus[1:]), statistics.median(rss[1:])

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/rota")
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    rotas = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "rotas"))
    with tempfile.TemporaryDirectory() as directory:
        source = os.path.join(directory, "bare.swift")
        with open(source, "w") as f:
            f.write(BARE)
        bare = {}
        for name, flags in (("dynamic", []), ("static", ["-static-stdlib"])):
            bare[name] = os.path.join(directory, "bare-" + name)
            subprocess.run(["swiftc", "-O", *flags, source, "-o", bare[name]], check=True)
        db = os.path.join(directory, "rota.db")
        env = dict(os.environ, ROTA_RUNNER_GRACE="0")
        rows = [
            ("bare Foundation process, dynamic", [bare["dynamic"]]),
            ("bare Foundation process, static stdlib", [bare["static"]]),
            ("rota --version", [binary, "--version"]),
            ("rota now (example rotas)", [binary, "--rotas", rotas, "--db", db, "now"]),
            ("rota tick, idle (example rotas)", [binary, "--rotas", rotas, "--db", db, "tick"]),
        ]
        subprocess.run([binary, "--rotas", rotas, "--db", db, "tick"], check=True, stdout=subprocess.DEVNULL)
        print(f"{'process':42} {'wall ms':>8} {'CPU ms':>8} {'RSS MiB':>8}   ({args.runs} runs, medians; {os.path.getsize(binary) / 2**20:.0f} MiB binary)")
        for name, command in rows:
            wall, cpu, rss = measure(command, args.runs, env)
            print(f"{name:42} {wall:8.1f} {cpu:8.1f} {rss:8.1f}")

if __name__ == "__main__":
    main()
