#!/usr/bin/env python3
"""A stand-in for the server's agency side, for the laptop's tests until the real one is merged:
whoami answers an agency token, push applies followup.outcome operations to the list,
/v1/followups returns the list (a JSON file, the first argument), and pull is refused with 403
as the server refuses it to an agency. Every request's method and path is appended to the file
named by the second argument. Prints PORT N once it listens."""
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

with open(sys.argv[1]) as handle:
    WORKLIST = json.load(handle)
STAMP = "0001764000000000-0000-server"
LOG = sys.argv[2]


def note(line):
    with open(LOG, "a") as handle:
        handle.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        note("GET " + path)
        if self.headers.get("Authorization") != "Bearer fire-token":
            self.answer(401, {"message": "The token is not valid."})
        elif path == "/v1/whoami":
            self.answer(200, {"name": "Fire and Rescue", "role": "agency", "agency": "fire", "epoch": "e1", "server_time": STAMP})
        elif path == "/v1/followups":
            self.answer(200, WORKLIST)
        else:
            self.answer(403, {"message": "An agency token cannot do this."})

    def do_POST(self):
        path = self.path.split("?")[0]
        note("POST " + path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if path != "/v1/push":
            self.answer(403, {"message": "An agency token cannot do this."})
            return
        results = []
        for operation in body["operations"]:
            payload = operation.get("payload", {})
            if operation.get("type") == "followup.outcome":
                for follow_up in WORKLIST["follow_ups"]:
                    if follow_up["response"].lower() == payload["response"].lower():
                        follow_up["outcome"] = {"outcome": payload["outcome"], "note": payload.get("note"), "stamp": operation["stamp"]}
                results.append({"id": operation["id"], "status": "applied", "conflicts": 0})
            else:
                results.append({"id": operation["id"], "status": "rejected", "reason": "An agency pushes outcomes only.", "conflicts": 0})
        self.answer(200, {"results": results, "epoch": "e1", "server_time": STAMP})


# The test stops it with SIGTERM, which a test runner's children may inherit blocked; and it
# never outlives a test that died without stopping it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
threading.Timer(120, lambda: os._exit(0)).start()
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
