#!/usr/bin/env python3
"""An ntfy-like publish endpoint on loopback for rota's tests (https://docs.ntfy.sh/publish/).
Prints its port, then records every request as a JSON line in the file given: method, path,
headers, and the parsed JSON body. Like ntfy: JSON is published to the root URL with a
"topic"; a topic is 1-64 of [-_A-Za-z0-9]; priority is 1-5; at most 3 actions, each with
action (view, http, broadcast), label and url; an http action's method, headers and body are
what the phone's app sends. Invalid JSON or fields: 400 {"code":40001,...}, as ntfy answers.
A topic starting with "fail" answers 500 (a server in trouble). Stops by itself after 300 s."""
import json, re, sys, threading, time
from http.server import BaseHTTPRequestHandler

import loopback

log_path = sys.argv[1]
lock = threading.Lock()
TOPIC = re.compile(r"^[-_A-Za-z0-9]{1,64}$")

def problem(message):
    if not isinstance(message, dict):
        return "body is not a JSON object"
    topic = message.get("topic")
    if not isinstance(topic, str) or not TOPIC.match(topic):
        return "invalid topic"
    if not isinstance(message.get("message", ""), str) or not isinstance(message.get("title", ""), str):
        return "message and title must be strings"
    priority = message.get("priority", 3)
    if not isinstance(priority, int) or not 1 <= priority <= 5:
        return "invalid priority"
    tags = message.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return "invalid tags"
    actions = message.get("actions", [])
    if not isinstance(actions, list) or len(actions) > 3:
        return "too many actions"
    for action in actions:
        if action.get("action") not in ("view", "http", "broadcast") or not action.get("label") or not action.get("url"):
            return "invalid action"
        if action["action"] == "http":
            if action.get("method", "POST") not in ("GET", "POST", "PUT", "DELETE"):
                return "invalid http action method"
            if not isinstance(action.get("headers", {}), dict) or not isinstance(action.get("body", ""), str):
                return "invalid http action headers or body"
    return None

class Handler(BaseHTTPRequestHandler):
    def answer(self, status, body):
        loopback.answer(self, status, body)

    def publish(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parsed = None
        if self.path == "/":
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = None
        with lock, open(log_path, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                "json": parsed, "raw": raw.decode("utf-8", "replace")}) + "\n")
        if self.path != "/":
            return self.answer(200, {"id": "plain", "event": "message", "topic": self.path.strip("/"), "message": raw.decode()})
        why = problem(parsed)
        if why:
            return self.answer(400, {"code": 40001, "http": 400, "error": why})
        if parsed["topic"].startswith("fail"):
            return self.answer(500, {"code": 50001, "http": 500, "error": "internal server error"})
        self.answer(200, {"id": f"m{int(time.time() * 1000)}", "time": int(time.time()), "event": "message",
                          "topic": parsed["topic"], "title": parsed.get("title", ""), "message": parsed.get("message", ""),
                          "priority": parsed.get("priority", 3), "actions": parsed.get("actions", [])})

    do_POST = publish
    do_PUT = publish

    def log_message(self, *args):
        pass

loopback.serve(Handler)
