#!/usr/bin/env python3
"""A Slack-like Web API and interactivity sender on loopback for rota's tests.
Prints its port, then records every API call as a JSON line in the file given.

- POST /api/chat.postMessage and /api/chat.update, as Slack's Web API: a bearer token that
  must equal $SLACK_TOKEN (else HTTP 200 {"ok":false,"error":"invalid_auth"}, as Slack
  answers), a JSON body whose channel exists ("#comms-oncall", or a member id U… for a direct
  message; else "channel_not_found"), blocks of type section or actions whose buttons have an
  action_id, plain_text text and a value of at most 2,000 characters (else "invalid_blocks").
  A posted message gets a ts; chat.update needs an existing channel and ts ("message_not_found").
- POST /_test/click {"to","message","action_id","user","age"?,"secret"?}: what Slack does when
  a member clicks a button of a posted message: a block_actions payload, form-encoded as
  payload=…, signed with $SLACK_SIGNING (or the given secret) the way Slack signs
  (v0=HMAC-SHA256 of "v0:timestamp:body"), the timestamp `age` seconds old, posted to `to`.
  Answers {"status", "body"} of rota's answer.
Stops by itself after 300 s."""
import hashlib, hmac, json, os, sys, threading, time, urllib.parse, urllib.request
from http.server import BaseHTTPRequestHandler

import loopback

log_path = sys.argv[1]
token = os.environ.get("SLACK_TOKEN", "")
signing = os.environ.get("SLACK_SIGNING", "")
lock = threading.Lock()
messages = []  # {"channel", "ts", "text", "blocks"}
CHANNELS = {"#comms-oncall": "C0COMMS"}

def channel_id(name):
    if name in CHANNELS:
        return CHANNELS[name]
    if name.startswith("U") and name.isalnum():
        return "D" + name[1:]
    if name in CHANNELS.values() or (name.startswith("D") and name.isalnum()):
        return name
    return None

def blocks_problem(blocks):
    for block in blocks or []:
        if block.get("type") not in ("section", "actions"):
            return True
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element.get("type") != "button" or not element.get("action_id") or \
               (element.get("text") or {}).get("type") != "plain_text" or len(element.get("value", "")) > 2000:
                return True
    return False

class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        loopback.answer(self, status, body, "application/json; charset=utf-8")

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if self.path == "/_test/click":
            try:
                return self.click(body)
            except Exception as error:  # said to the test, not swallowed
                return self.reply(500, {"status": 0, "body": "the fake could not click: %r" % error})
        method = self.path[len("/api/"):] if self.path.startswith("/api/") else None
        with lock, open(log_path, "a") as f:
            f.write(json.dumps({"method": method, "auth": self.headers.get("Authorization", ""), "json": body}) + "\n")
        if self.headers.get("Authorization", "") != "Bearer " + token or not token:
            return self.reply(200, {"ok": False, "error": "invalid_auth"})
        if not isinstance(body, dict):
            return self.reply(200, {"ok": False, "error": "invalid_json"})
        channel = channel_id(body.get("channel", ""))
        if channel is None:
            return self.reply(200, {"ok": False, "error": "channel_not_found"})
        if blocks_problem(body.get("blocks")):
            return self.reply(200, {"ok": False, "error": "invalid_blocks"})
        with lock:
            if method == "chat.postMessage":
                ts = "%d.%06d" % (1700000000 + len(messages), len(messages) + 1)
                messages.append({"channel": channel, "ts": ts, "text": body.get("text", ""), "blocks": body.get("blocks", [])})
                return self.reply(200, {"ok": True, "channel": channel, "ts": ts, "message": messages[-1]})
            if method == "chat.update":
                for message in messages:
                    if message["channel"] == channel and message["ts"] == body.get("ts"):
                        message.update({"text": body.get("text", ""), "blocks": body.get("blocks", [])})
                        return self.reply(200, {"ok": True, "channel": channel, "ts": message["ts"]})
                return self.reply(200, {"ok": False, "error": "message_not_found"})
        self.reply(404, {"ok": False, "error": "unknown_method"})

    def click(self, order):
        message = messages[order["message"]]
        button = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == order["action_id"])
        now = time.time()
        payload = {
            "type": "block_actions", "user": {"id": order["user"], "username": order["user"].lower(), "team_id": "T0OPS"},
            "api_app_id": "A0ROTA", "token": "deprecated-verification-token", "trigger_id": "1.2.3",
            "container": {"type": "message", "message_ts": message["ts"], "channel_id": message["channel"], "is_ephemeral": False},
            "team": {"id": "T0OPS", "domain": "ops"}, "channel": {"id": message["channel"], "name": "oncall"},
            "message": {"type": "message", "ts": message["ts"], "text": message["text"], "blocks": message["blocks"]},
            "response_url": "http://127.0.0.1:%d/actions/response" % self.server.server_port,
            "actions": [dict(button, block_id="rota", action_ts="%.6f" % now)],
        }
        body = "payload=" + urllib.parse.quote_plus(json.dumps(payload))
        timestamp = str(int(now - order.get("age", 0)))
        secret = order.get("secret", signing)
        signature = "v0=" + hmac.new(secret.encode(), ("v0:%s:%s" % (timestamp, body)).encode(), hashlib.sha256).hexdigest()
        request = urllib.request.Request(order["to"], data=body.encode(), method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                status, text = answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        self.reply(200, {"status": status, "body": text})

    def log_message(self, *args):
        pass

loopback.serve(Handler)
