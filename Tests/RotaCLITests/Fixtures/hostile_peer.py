#!/usr/bin/env python3
"""A hostile HTTP peer on loopback for rota's tests: a raw socket server, not an HTTP library,
so it can break the protocol as real peers do. Prints its port, then records each request as a
JSON line in the file given ({"path", "at": Unix time on arrival, "mode"}). The path's first
part chooses the misbehaviour:
  /status-then-close  answers "HTTP/1.1 200 OK\\r\\n" and closes
  /trickle            answers the status line, then one header line every 3 s, for ever
  /garbage            answers bytes that are not HTTP, then closes
  /silent             reads the request and never answers
  /ok                 a proper 200
Stops by itself after $LIFETIME seconds (default 900)."""
import json, os, socket, sys, threading, time

log_path = sys.argv[1]
lock = threading.Lock()

def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return lines[0].split(" ")[1]

def serve(conn):
    try:
        path = read_request(conn)
        if path is None:
            return
        mode = path.strip("/").split("/")[0].split("?")[0]
        with lock, open(log_path, "a") as f:
            f.write(json.dumps({"path": path, "mode": mode, "at": time.time()}) + "\n")
        if mode == "status-then-close":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
        elif mode == "trickle":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            n = 0
            while True:
                time.sleep(3)
                n += 1
                conn.sendall(b"X-Trickle-%d: still here\r\n" % n)
        elif mode == "garbage":
            conn.sendall(b"\x00\xffnot http at all\r\n\r\n")
        elif mode == "silent":
            time.sleep(3600)
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(128)
print(listener.getsockname()[1], flush=True)
deadline = time.time() + float(os.environ.get("LIFETIME", "900"))
listener.settimeout(1)
while time.time() < deadline:
    try:
        conn, _ = listener.accept()
    except socket.timeout:
        continue
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
