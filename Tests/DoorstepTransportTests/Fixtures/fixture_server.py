#!/usr/bin/env python3
"""A small HTTP(S) server for the transport and end-to-end tests (Python 3 standard library only).

Starts on 127.0.0.1 (port 0 picks a free one) and prints "PORT <n>" on stdout once listening.

Routes:
  GET  /status/<code>                    answers <code> with a JSON error body
  POST /echo (any method)                answers JSON: method, headers, length, sha256 of the body
  POST /mirror                           answers the request body itself
  GET  /large?bytes=N                    N bytes, byte i = i % 251
  GET  /gzip?bytes=N                     N bytes of text, gzip-encoded (406 without Accept-Encoding: gzip)
  GET  /slow?seconds=S                   answers after S seconds
  GET  /stall?bytes=N&seconds=S          promises 2N bytes, sends N, then stalls S seconds and closes
  GET  /truncate?bytes=N                 promises 2N bytes, sends N, then closes the connection
  ANY  /flaky?key=K&failures=N&status=S  the first N hits of key K answer S (or "drop": close
                                         without answering), later ones 200 {"attempts": hits};
                                         &retry_after=T adds Retry-After: T to the failures
  GET  /hits?key=K                       {"hits": n} for a key of /flaky, or "proxy" for proxied requests
  ANY  http://host:port/path             absolute-form request: forwarded, as an HTTP proxy does
"""

import argparse
import gzip
import hashlib
import http.client
import json
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HITS = {}
HITS_LOCK = threading.Lock()


def count_hit(key):
    with HITS_LOCK:
        HITS[key] = HITS.get(key, 0) + 1
        return HITS[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        sys.stderr.write("fixture: " + (format % args) + "\n")

    def send_json(self, status, obj, extra_headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def handle_any(self):
        if self.path.startswith("http://"):
            return self.proxy()
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        body = self.read_body()
        path = url.path
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            return self.send_json(code, {"error": "fixture", "message": f"The fixture answered {code}."})
        if path == "/echo":
            return self.send_json(200, {
                "method": self.command,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "length": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
            })
        if path == "/mirror":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path == "/large":
            size = int(query.get("bytes", "0"))
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            pattern = bytes(i % 251 for i in range(251 * 256))
            sent = 0
            while sent < size:
                chunk = pattern[: min(len(pattern), size - sent)]
                self.wfile.write(chunk)
                sent += len(chunk)
            return
        if path == "/gzip":
            if "gzip" not in (self.headers.get("Accept-Encoding") or ""):
                return self.send_json(406, {"error": "fixture", "message": "Ask for gzip."})
            size = int(query.get("bytes", "0"))
            text = (b"doorstep " * (size // 9 + 1))[:size]
            packed = gzip.compress(text)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(packed)))
            self.send_header("X-Compressed-Length", str(len(packed)))
            self.end_headers()
            self.wfile.write(packed)
            return
        if path == "/slow":
            time.sleep(float(query.get("seconds", "1")))
            return self.send_json(200, {"slept": float(query.get("seconds", "1"))})
        if path in ("/stall", "/truncate"):
            size = int(query.get("bytes", "1024"))
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size * 2))
            self.end_headers()
            self.wfile.write(b"x" * size)
            self.wfile.flush()
            if path == "/stall":
                time.sleep(float(query.get("seconds", "20")))
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if path == "/flaky":
            key = query.get("key", "default")
            hits = count_hit(key)
            if hits <= int(query.get("failures", "1")):
                status = query.get("status", "503")
                if status == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                retry_after = query.get("retry_after")
                extra = {"Retry-After": retry_after} if retry_after else None
                return self.send_json(int(status), {"error": "fixture", "message": f"Failure {hits}."}, extra)
            return self.send_json(200, {"attempts": hits})
        if path == "/hits":
            with HITS_LOCK:
                hits = HITS.get(query.get("key", "default"), 0)
            return self.send_json(200, {"hits": hits})
        return self.send_json(404, {"error": "not_found", "message": f"No fixture route {path}."})

    def proxy(self):
        """Forwards an absolute-form request, as a plain HTTP proxy does."""
        count_hit("proxy")
        target = urllib.parse.urlsplit(self.path)
        body = self.read_body()
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("proxy-connection", "connection", "host")}
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=60)
        path = target.path + ("?" + target.query if target.query else "")
        upstream.request(self.command, path or "/", body=body or None, headers=headers)
        answer = upstream.getresponse()
        payload = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Via", "1.1 fixture-proxy")
        self.end_headers()
        self.wfile.write(payload)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
