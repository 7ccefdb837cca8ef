#!/usr/bin/env python3
"""A Mattermost-like incoming-webhook receiver on loopback for rota's tests
(https://developers.mattermost.com/integrate/webhooks/incoming/ and interactive messages).
Prints its port, then records every post to /hooks/<key> as a JSON line in the file given:
path and the parsed body. Like Mattermost: the body must be JSON with "text" or
"attachments"; an attachment's actions need an alphanumeric "id", a "name" and an
"integration" whose "url" is http(s) and whose "context" (if any) is an object; anything else
answers 400 with Mattermost's parse error. A key starting with "gone" answers 400 "Invalid
webhook", as a deleted hook does. Success answers 200 "ok". Stops by itself after 300 s."""
import json, re, sys, threading
from http.server import BaseHTTPRequestHandler

import loopback

log_path = sys.argv[1]
lock = threading.Lock()

def problem(body):
    if not isinstance(body, dict) or not (body.get("text") or body.get("attachments")):
        return "Unable to parse incoming data"
    for attachment in body.get("attachments") or []:
        for action in attachment.get("actions") or []:
            if not re.match(r"^[A-Za-z0-9]+$", str(action.get("id", ""))) or not action.get("name"):
                return "Invalid action id or name"
            integration = action.get("integration") or {}
            if not str(integration.get("url", "")).startswith(("http://", "https://")):
                return "Invalid integration url"
            if not isinstance(integration.get("context", {}), dict):
                return "Invalid integration context"
    return None

class Handler(BaseHTTPRequestHandler):
    def reply(self, status, text, kind="text/plain"):
        loopback.answer(self, status, text, kind)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with lock, open(log_path, "a") as f:
            f.write(json.dumps({"path": self.path, "json": body}) + "\n")
        if not self.path.startswith("/hooks/") or self.path[len("/hooks/"):].startswith("gone"):
            return self.reply(400, json.dumps({"id": "web.incoming_webhook.invalid.app_error", "message": "Invalid webhook.",
                                               "status_code": 400}), "application/json")
        why = problem(body)
        if why:
            return self.reply(400, json.dumps({"id": "web.incoming_webhook.parse.app_error", "message": why,
                                               "status_code": 400}), "application/json")
        self.reply(200, "ok")

    def log_message(self, *args):
        pass

loopback.serve(Handler)
