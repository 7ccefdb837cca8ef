#!/usr/bin/env python3
"""Benchmark of rota serve (issue 11): an alert storm over HTTP.

New alerts over HTTP from 32 concurrent keep-alive connections (wrk, for a fixed time: it
cannot stop after a count), then alerts already open again (all deduplicated). Prints alerts/s, p50/p99 latency and the server's peak RSS,
side by side with (a) alerts raised by `rota alert raise` processes (a sample, the rate
extrapolated) and (b) a real Alertmanager's own `POST /api/v2/alerts` on the same machine.
Also: how long an alert raised over HTTP takes to reach its level-1 pager.
Every 2xx is durable (synchronous=FULL). Run: python3 bench/serve.py [--binary PATH]
Needs wrk and prometheus-alertmanager (Debian packages).
"""
import argparse, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time

LUA = r"""
local counter = 0
-- With STORM_REPEAT = M, each thread cycles through its first M keys again: all deduplicated.
local repeat_keys = tonumber(os.getenv("STORM_REPEAT") or "0")
local id = 0
setup = function(thread) thread:set("tid", id); id = id + 1 end
init = function(args) tid = tid or 0 end
request = function()
  counter = counter + 1
  local n = counter
  if repeat_keys > 0 then n = (counter - 1) % repeat_keys + 1 end
  local key = "storm-" .. tid .. "-" .. n
  local body = string.format('{"summary":"storm %s","dedup_key":"%s","severity":"high"}', key, key)
  return wrk.format("POST", os.getenv("STORM_PATH"), {["Content-Type"]="application/json", ["Authorization"]=os.getenv("STORM_AUTH")}, body)
end
response = function(status, headers, body)
  if status ~= 202 and status ~= 200 then io.stderr:write("status " .. status .. "\n") end
end
done = function(summary, latency, requests)
  io.write(string.format("REQUESTS %d\nP50 %.3f\nP99 %.3f\nERRORS %d\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""

ROTA = """
settings: {timezone: UTC, server: {tick_every: 0}}
people: [{id: ann}]
escalations: [{id: e, levels: [{notify: [person:ann]}]}]
services: [{id: web, escalation: e}]
integrations: [{id: storm, kind: generic, service: web, token_env: ROTA_TOKEN_STORM}]
"""

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def wait_port(port, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {port}")

def rss_peak_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0

def storm(port, path, auth, seconds, repeat_keys=0, connections=32, threads=2):
    """wrk for `seconds` (it cannot stop after a count): new keys, or each thread's first `repeat_keys` again."""
    script = os.path.join(tempfile.gettempdir(), "rota-storm.lua")
    with open(script, "w") as f:
        f.write(LUA)
    env = dict(os.environ, STORM_REPEAT=str(repeat_keys), STORM_PATH=path, STORM_AUTH=auth)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, f"http://127.0.0.1:{port}"],
                         env=env, capture_output=True, text=True)
    elapsed = seconds
    figures = dict(re.findall(r"^(REQUESTS|P50|P99|ERRORS) ([\d.]+)$", out.stdout, re.M))
    if "REQUESTS" not in figures:
        sys.exit(f"wrk failed: {out.stdout}\n{out.stderr}")
    requests = int(figures["REQUESTS"])
    return requests / elapsed, float(figures["P50"]), float(figures["P99"]), int(figures["ERRORS"]), requests

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/rota")
    parser.add_argument("--seconds", type=int, default=8, help="length of each storm")
    parser.add_argument("--group", action="store_true", help="group the service's alerts into incidents (group: within 30m): every new alert joins one")
    parser.add_argument("--storm-only", action="store_true", help="only the HTTP storms (skip the CLI sample, Alertmanager and the latency check)")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    work = tempfile.mkdtemp(prefix="rota-bench-serve-")
    rotas = os.path.join(work, "rotas"); os.makedirs(rotas)
    with open(os.path.join(rotas, "r.yaml"), "w") as f:
        f.write(ROTA.replace("services: [{id: web, escalation: e}]", "services: [{id: web, escalation: e, group: {within: 30m}}]") if args.group else ROTA)
    env = dict(os.environ, ROTA_DIR=rotas, ROTA_DB=os.path.join(work, "rota.db"), ROTA_SERVER_SECRET="bench-secret-0123456789",
               ROTA_TOKEN_STORM="storm-token")
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}"], env=env, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        rate, p50, p99, errors, n = storm(port, "/v1/alerts", "Bearer storm-token", args.seconds)
        print(f"rota serve, {n} new alerts in {args.seconds} s:   {rate:7.0f} alerts/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}  (targets: >= 2000/s, p99 < 50 ms)")
        rate, p50, p99, errors, n = storm(port, "/v1/alerts", "Bearer storm-token", args.seconds, repeat_keys=max(1, n // 4))
        print(f"rota serve, {n} deduplicated in {args.seconds} s: {rate:7.0f} alerts/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}  (target: >= 5000/s)")
        print(f"rota serve peak RSS: {rss_peak_mib(server.pid):.0f} MiB (target < 150 MB)")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    if args.storm_only:
        return

    # (a) the same through `rota alert raise` processes: a sample of 300.
    started = time.perf_counter()
    for i in range(300):
        subprocess.run([binary, "alert", "raise", "--service", "web", "--summary", f"cli {i}", "--dedup-key", f"cli-{i}"],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    print(f"rota alert raise, 300 processes one after another: {300 / (time.perf_counter() - started):7.0f} alerts/s")

    # Time from an HTTP raise to its level-1 pager, with the server's runner on.
    latency_rota = os.path.join(work, "latency"); os.makedirs(latency_rota)
    marker = os.path.join(work, "paged")
    with open(os.path.join(latency_rota, "r.yaml"), "w") as f:
        f.write(ROTA.replace("tick_every: 0", "tick_every: 15s").replace("[{id: ann}]", f'[{{id: ann, contacts: [{{command: ["/usr/bin/touch", "{marker}"]}}]}}]'))
    env2 = dict(env, ROTA_DIR=latency_rota, ROTA_DB=os.path.join(work, "latency.db"))
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}"], env=env2, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        time.sleep(0.5)
        import urllib.request
        started = time.perf_counter()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/alerts", data=b'{"summary":"latency"}',
                                         headers={"Authorization": "Bearer storm-token", "Content-Type": "application/json"})
        urllib.request.urlopen(request).read()
        while not os.path.exists(marker) and time.perf_counter() - started < 10:
            time.sleep(0.002)
        print(f"HTTP raise to level-1 pager: {(time.perf_counter() - started) * 1000:.0f} ms (target < 1 s)")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)

    # (b) a real Alertmanager's own POST /api/v2/alerts, same client, same machine.
    if shutil.which("prometheus-alertmanager"):
        am_port = free_port()
        am_dir = os.path.join(work, "am"); os.makedirs(am_dir)
        with open(os.path.join(am_dir, "am.yml"), "w") as f:
            f.write("route: {receiver: none}\nreceivers: [{name: none}]\n")
        am = subprocess.Popen(["prometheus-alertmanager", f"--config.file={am_dir}/am.yml", f"--storage.path={am_dir}/data",
                               f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address="],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_port(am_port)
            # Alertmanager takes a list of alerts; one per request, as rota's storm sends.
            global LUA
            LUA = LUA.replace("""'{"summary":"storm %s","dedup_key":"%s","severity":"high"}', key, key""",
                              """'[{"labels":{"alertname":"storm","key":"%s"},"annotations":{"summary":"%s"}}]', key, key""").replace(
                              "status ~= 202 and status ~= 200", "status ~= 200")
            rate, p50, p99, errors, n = storm(am_port, "/api/v2/alerts", "none", args.seconds)
            print(f"Alertmanager POST /api/v2/alerts, {n} new: {rate:7.0f} alerts/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}  peak RSS {rss_peak_mib(am.pid):.0f} MiB")
        finally:
            am.kill()
            am.wait()
    shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
