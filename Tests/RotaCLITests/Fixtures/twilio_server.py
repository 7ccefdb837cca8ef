#!/usr/bin/env python3
"""A Twilio-like REST API and webhook sender on loopback for rota's tests
(https://www.twilio.com/docs/messaging/api/message-resource, .../voice/api/call-resource,
.../usage/webhooks/webhooks-security). Prints its port; records every API request as a JSON line.

- POST /2010-04-01/Accounts/<sid>/Messages.json and .../Calls.json, form-encoded, HTTP Basic
  auth that must be $TWILIO_SID:$TWILIO_TOKEN (else 401 {"code":20003,"message":"Authenticate"}).
  Messages need To, From = $TWILIO_FROM (else 400 code 21606) and a Body of at most 1,600
  characters (21602/21617); Calls need To, From and Twiml or Url (21205). A To under +1555
  is "not a valid phone number" (400, code 21211). Success: 201 with a sid and "queued".
- POST /_test/reply {"rota","public","from","body","token"?}: what Twilio does when `from`
  texts rota's number: the inbound-message parameters posted to rota's /v1/twilio/sms,
  signed (X-Twilio-Signature: base64 HMAC-SHA1 of the public URL and the sorted parameters)
  with $TWILIO_TOKEN or the given token.
- POST /_test/press {"rota","public","call","digits","token"?}: what Twilio does when the
  callee of call number `call` presses `digits`: its Gather action (an absolute URL under
  `public`) posted, signed, to the same path at `rota`.
Both answer {"status","body"} of rota's answer. Stops by itself after 300 s."""
import base64, hashlib, hmac, json, os, re, sys, threading, urllib.parse, urllib.request
from http.server import BaseHTTPRequestHandler

import loopback

log_path = sys.argv[1]
SID, TOKEN, FROM = os.environ["TWILIO_SID"], os.environ["TWILIO_TOKEN"], os.environ["TWILIO_FROM"]
lock = threading.Lock()
calls = []

def signature(token, url, params):
    signed = url + "".join(k + v for k, v in sorted(params.items()))
    return base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()

class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        loopback.answer(self, status, body, "application/json")

    def error(self, status, code, message):
        self.reply(status, {"code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/%d" % code, "status": status})

    def post_signed(self, url, signed_url, params, token):
        request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature(token, signed_url, params),
            "User-Agent": "TwilioProxy/1.1"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        if self.path.startswith("/_test/"):
            try:
                order = json.loads(raw)
                token = order.get("token", TOKEN)
                if self.path == "/_test/reply":
                    params = {"AccountSid": SID, "ApiVersion": "2010-04-01", "Body": order["body"], "From": order["from"],
                              "FromCountry": "FR", "MessageSid": "SMreply0001", "NumMedia": "0", "NumSegments": "1",
                              "SmsMessageSid": "SMreply0001", "SmsSid": "SMreply0001", "SmsStatus": "received", "To": FROM, "ToCountry": "FR"}
                    status, text = self.post_signed(order["rota"] + "/v1/twilio/sms", order["public"] + "/v1/twilio/sms", params, token)
                else:
                    call = calls[order["call"]]
                    action = re.search(r'action="([^"]+)"', call["Twiml"]).group(1).replace("&amp;", "&")
                    assert action.startswith(order["public"]), action
                    params = {"AccountSid": SID, "ApiVersion": "2010-04-01", "CallSid": call["sid"], "CallStatus": "in-progress",
                              "Called": call["To"], "Caller": FROM, "Digits": order["digits"], "Direction": "outbound-api",
                              "FinishedOnKey": "", "From": FROM, "To": call["To"]}
                    status, text = self.post_signed(order["rota"] + action[len(order["public"]):], action, params, token)
                return self.reply(200, {"status": status, "body": text})
            except Exception as error:  # said to the test
                return self.reply(500, {"status": 0, "body": "the fake could not answer: %r" % error})
        params = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
        match = re.match(r"^/2010-04-01/Accounts/([^/]+)/(Messages|Calls)\.json$", self.path)
        with lock, open(log_path, "a") as f:
            f.write(json.dumps({"path": self.path, "auth": self.headers.get("Authorization", ""), "params": params}) + "\n")
        expected = "Basic " + base64.b64encode(("%s:%s" % (SID, TOKEN)).encode()).decode()
        if not match or match.group(1) != SID or self.headers.get("Authorization") != expected:
            return self.error(401, 20003, "Authenticate")
        if not re.match(r"^\+[1-9]\d{6,14}$", params.get("To", "")) or params["To"].startswith("+1555"):
            return self.error(400, 21211, "The 'To' number %s is not a valid phone number." % params.get("To", ""))
        if params.get("From") != FROM:
            return self.error(400, 21606, "The From phone number %s is not a valid, SMS-capable inbound phone number." % params.get("From"))
        if match.group(2) == "Messages":
            if not params.get("Body"):
                return self.error(400, 21602, "Message body is required.")
            if len(params["Body"]) > 1600:
                return self.error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
            return self.reply(201, {"sid": "SM%032d" % len(params["Body"]), "status": "queued", "to": params["To"], "from": FROM, "body": params["Body"]})
        if not params.get("Twiml") and not params.get("Url"):
            return self.error(400, 21205, "Url parameter is required.")
        with lock:
            calls.append(dict(params, sid="CA%032d" % len(calls)))
        self.reply(201, {"sid": calls[-1]["sid"], "status": "queued", "to": params["To"], "from": FROM})

    def log_message(self, *args):
        pass

loopback.serve(Handler)
