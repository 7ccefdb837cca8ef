"""What every loopback peer of rota's tests shares: answers with a JSON (or text) body, and a
server on 127.0.0.1 that prints its port, serves each request on a thread and stops by itself."""
import json
import threading
from http.server import ThreadingHTTPServer


def answer(handler, status, body, kind="application/json"):
    """Sends `body` (a string as it is, anything else as JSON) with its length."""
    data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def serve(handler_class, lifetime=300):
    """Serves on a free loopback port, printed first (the test reads it), for `lifetime` seconds at most."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Timer(lifetime, server.shutdown).start()
    server.serve_forever()
