#!/usr/bin/env python3
"""A minimal SMTP server on loopback for rota's tests: prints its port, then writes each
message it receives (envelope and data) to a numbered file in the directory given.
Stops by itself after 300 s."""
import os, socketserver, sys, threading

out = sys.argv[1]
counter = [0]
lock = threading.Lock()

class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 localhost rota-test ESMTP")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            upper = command.upper()
            if upper.startswith("EHLO") or upper.startswith("HELO"):
                self.reply("250 localhost")
            elif upper.startswith("MAIL FROM:"):
                sender, recipients = command[10:].strip(), []
                self.reply("250 OK")
            elif upper.startswith("RCPT TO:"):
                recipients.append(command[8:].strip())
                self.reply("250 OK")
            elif upper == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                with lock:
                    counter[0] += 1
                    name = os.path.join(out, f"{counter[0]:04d}.eml")
                with open(name, "wb") as f:
                    f.write(f"X-Envelope-From: {sender}\r\nX-Envelope-To: {','.join(recipients)}\r\n".encode() + data)
                self.reply("250 OK: queued")
            elif upper == "QUIT":
                self.reply("221 Bye")
                return
            elif upper in ("RSET", "NOOP"):
                self.reply("250 OK")
            else:
                self.reply("502 Command not implemented")

server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
threading.Timer(300, server.shutdown).start()
server.serve_forever()
