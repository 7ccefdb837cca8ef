#!/usr/bin/env python3
"""Benchmark of the board (issue 12): GET / for the 200-schedule organisation of
bench/schedules.py (200 schedules x 3 layers x 6 members, five zones), 8 concurrent keep-alive
clients (wrk) for a fixed time. Prints the server's own time per request (p50/p99, from its
request log), the clients' latency, requests/s and the page's size in bytes. With --alerts N,
N open alerts (each paged to two schedules) are on the board too.
Run: python3 bench/board.py [--seconds N] [--alerts N] [--binary PATH]   (needs wrk, a Debian package)
"""
import argparse, os, re, signal, statistics, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from schedules import organisation  # noqa: E402
from serve import free_port, wait_port  # noqa: E402

def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--alerts", type=int, default=0)
    parser.add_argument("--binary", default=".build/release/rota")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory() as work:
        rotas = os.path.join(work, "rotas")
        os.mkdir(rotas)
        organisation(rotas)
        path = os.path.join(rotas, "org.yaml")
        text = open(path).read().replace("settings:\n  timezone: Europe/Paris\n",
                                         "settings:\n  timezone: Europe/Paris\n  server: {tick_every: 0, board: public}\n", 1)
        if args.alerts:
            text += ("escalations:\n  - id: e\n    levels:\n"
                     "      - {notify: [schedule:s000, schedule:s001], escalate_after: 30m}\n"
                     "      - {notify: [schedule:s002]}\nservices:\n  - {id: web, escalation: e}\n")
        open(path, "w").write(text)
        env = dict(os.environ, ROTA_DIR=rotas, ROTA_DB=os.path.join(work, "state.db"),
                   ROTA_SERVER_SECRET="bench-secret-0123456789")
        subprocess.run([binary, "validate"], env=env, check=True, stdout=subprocess.DEVNULL)
        for index in range(args.alerts):  # each raise pages level 1 (/bin/true) at once
            subprocess.run([binary, "alert", "raise", "--service", "web", "--summary", f"alert {index}",
                            "--dedup-key", f"k{index}"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        log = open(os.path.join(work, "serve.log"), "w+")
        server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}"], env=env, stderr=log)
        try:
            wait_port(port)
            url = f"http://127.0.0.1:{port}/"
            page = subprocess.run(["curl", "-s", url], capture_output=True, check=True).stdout
            subprocess.run(["curl", "-s", "-o", "/dev/null", url], check=True)  # warm
            log.seek(0, os.SEEK_END)
            start = log.tell()
            out = subprocess.run(["wrk", "-t", "2", "-c", "8", "-d", f"{args.seconds}s", "--latency", url],
                                 capture_output=True, text=True, check=True).stdout
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        log.seek(0)
        everything = [float(m.group(1)) * 1000 for m in re.finditer(r"GET / 200 ([0-9.]+) seconds", log.read())]
        cold = everything[0]  # the first request computes every schedule; later ones reuse it until something changes
        log.seek(start)
        times = [float(m.group(1)) * 1000 for m in re.finditer(r"GET / 200 ([0-9.]+) seconds", log.read())]
        rate = re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1)
        client = {p: re.search(rf"\s{p}%\s+([0-9.]+\w+)", out).group(1) for p in ("50", "99")}
        print(f"GET / on 200 schedules and {args.alerts} open alerts, 8 clients, {args.seconds} s: {len(times)} requests, {rate} req/s")
        print(f"  server time  p50 {statistics.median(times):.1f} ms  p99 {percentile(times, 99):.1f} ms  (target p99 < 50 ms)")
        print(f"  slowest {max(times):.1f} ms (a recomputation: each minute, at a handoff, or after a change)")
        print(f"  cold (the first request: every schedule computed and rendered) {cold:.1f} ms")
        print(f"  client latency p50 {client['50']}  p99 {client['99']}")
        print(f"  page size {len(page)} bytes ({len(page) / 1024:.0f} KiB)")

if __name__ == "__main__":
    main()
