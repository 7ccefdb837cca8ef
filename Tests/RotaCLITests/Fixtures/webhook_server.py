#!/usr/bin/env python3
"""A webhook receiver on loopback for rota's tests. Prints its port, then records every
request as a JSON line in the file given: path, headers, body, and whether the
Webhook-Signature holds a valid v1 HMAC for each secret in $SECRETS (comma-separated).
Paths: /ok → 200; /redirect → 302 to /ok/elsewhere-token; /flaky → 500 the first time, then 200; /gone → 404; /slow → sleeps 30 s.
Stops by itself after 300 s."""
import hashlib, hmac, json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log_path = sys.argv[1]
secrets = [s for s in os.environ.get("SECRETS", "").split(",") if s]
seen = {}
lock = threading.Lock()

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        wid, ts = self.headers.get("Webhook-Id", ""), self.headers.get("Webhook-Timestamp", "")
        given = [part[3:] for part in self.headers.get("Webhook-Signature", "").split() if part.startswith("v1=")]
        valid = [hmac.new(s.encode(), f"{wid}.{ts}.".encode() + body, hashlib.sha256).hexdigest() in given for s in secrets]
        with lock:
            seen[self.path] = seen.get(self.path, 0) + 1
            count = seen[self.path]
            with open(log_path, "a") as f:
                f.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body.decode(),
                                    "valid": valid, "signatures": len(given)}) + "\n")
        if self.path.startswith("/slow"):
            time.sleep(30)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/ok/elsewhere-token")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 200
        if self.path.startswith("/gone"):
            status = 404
        elif self.path.startswith("/flaky") and count == 1:
            status = 500
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
threading.Timer(300, server.shutdown).start()
server.serve_forever()
