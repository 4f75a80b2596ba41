#!/usr/bin/env python3
"""A faulty HTTP/1.1 proxy for the fault-injection tests (Python 3 standard library only).

Listens on 127.0.0.1 (port 0 picks a free one), prints "PORT <n>" on stdout once listening, and
forwards every request to a server on 127.0.0.1:<upstream port>, one upstream connection per
request. For each request, in arrival order, it draws one fault from a generator seeded with
--seed, so a run can be replayed:

  drop-request   forwards the head and only part of the body (or of the head, for a request with no
                 body), then closes both connections: the server never gets the whole request
  drop-response  forwards the whole request, lets the server answer, then sends the client only part
                 of the answer (possibly nothing) and closes
  cut-headers    forwards the whole request, then sends the client only the answer's status line and
                 closes, as a connection lost between the status line and the headers' end does
  stall          forwards the whole request, sends part of the answer, waits up to --stall-seconds
                 (or --long-stall-seconds, past the client's low-speed limit), then sends the rest
  error-before   answers 502 or 503 itself (an HTML page, as a gateway does); the server sees nothing
  error-after    forwards the whole request, lets the server commit, then answers 502 or 503 instead
                 of the server's answer
  pass           forwards faithfully

--script KIND,KIND,... forces the faults of the first requests (then the draws go on), so a short
run is sure to meet every kind. Every decision is logged on stderr as
"fault <kind> <method> <path>", which the tests count.

With several upstreams (--upstream-port repeated, or --upstream-ports A,B) it is also a
round-robin balancer: each new client connection is given the next upstream in turn, and its
requests go there. When connecting to that upstream is refused (the instance is down), the request
goes to the next one, and the connection stays with it; as nginx's `proxy_next_upstream error`,
only a refused connection moves on, before any byte of the request was sent: an upstream lost
mid-request closes the client's connection. With every upstream refusing, the client's connection
is closed. Each upstream connection is logged as "upstream <port> <method> <path>", each refusal
as "refused <port> <method> <path>". The fault probabilities default to zero, so with none given
the proxy only balances.
"""

import argparse
import asyncio
import random
import sys

KINDS = ["drop-request", "drop-response", "cut-headers", "stall", "error-before", "error-after"]
MAX_HEAD = 64 * 1024


class Chaos:
    def __init__(self, args):
        self.args = args
        self.upstreams = args.upstream_ports
        self.turn = 0
        self.random = random.Random(args.seed)
        self.script = [kind for kind in (args.script or "").split(",") if kind]
        for kind in self.script:
            if kind not in KINDS + ["pass", "long-stall"]:
                raise SystemExit(f"chaos_proxy: unknown fault {kind} in --script")
        self.weights = [
            ("drop-request", args.drop_request),
            ("drop-response", args.drop_response),
            ("cut-headers", args.cut_headers),
            ("stall", args.stall),
            ("long-stall", args.long_stall),
            ("error-before", args.error_before),
            ("error-after", args.error_after),
        ]

    def draw(self):
        """The fault of the next request, and a second number for where it strikes."""
        where = self.random.random()
        if self.script:
            return self.script.pop(0), where
        roll = self.random.random()
        for kind, probability in self.weights:
            if roll < probability:
                return kind, where
            roll -= probability
        return "pass", where

    def next_upstream(self):
        """The index of the upstream a new client connection starts with: each one in turn."""
        index = self.turn
        self.turn = (self.turn + 1) % len(self.upstreams)
        return index


class Unreachable(ConnectionError):
    """Every upstream refused the connection."""


class Route:
    """The upstream of one client connection, moved on to the next one when it refuses."""

    def __init__(self, chaos):
        self.upstreams = chaos.upstreams
        self.index = chaos.next_upstream()

    async def connect(self, method, path):
        """A connection to this route's upstream, or to the next one accepting; logs which."""
        for _ in self.upstreams:
            port = self.upstreams[self.index]
            try:
                connection = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                log(f"refused {port} {method} {path}")
                self.index = (self.index + 1) % len(self.upstreams)
                continue
            log(f"upstream {port} {method} {path}")
            return connection
        raise Unreachable("no upstream accepted the connection")


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


async def read_head(reader):
    """The bytes up to and including the blank line ending a head, or None at a clean end."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if error.partial:
            raise ConnectionError("the head ended early") from error
        return None
    except asyncio.LimitOverrunError as error:
        raise ConnectionError("the head is too large") from error
    return head


def parse_headers(head):
    lines = head.decode("latin-1").split("\r\n")
    start = lines[0]
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return start, headers


def header(headers, name):
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def build_head(start, headers):
    text = start + "\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
    return text.encode("latin-1")


async def read_chunked(reader):
    """The raw bytes of a chunked body, as they came."""
    raw = bytearray()
    while True:
        line = await reader.readuntil(b"\r\n")
        raw += line
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while True:
                trailer = await reader.readuntil(b"\r\n")
                raw += trailer
                if trailer == b"\r\n":
                    return bytes(raw)
        raw += await reader.readexactly(size + 2)


async def read_body(reader, headers):
    if (header(headers, "transfer-encoding") or "").lower() == "chunked":
        return await read_chunked(reader)
    length = int(header(headers, "content-length") or 0)
    return await reader.readexactly(length) if length else b""


def gateway_error(where):
    status, reason = (502, "Bad Gateway") if where < 0.5 else (503, "Service Unavailable")
    body = f"<html><body><h1>{status} {reason}</h1></body></html>\n".encode()
    headers = [("Content-Type", "text/html"), ("Content-Length", str(len(body)))]
    if status == 503:
        headers.append(("Retry-After", "1"))
    return build_head(f"HTTP/1.1 {status} {reason}", headers) + body


async def exchange(route, request_line, head, body, partial=None):
    """Sends the request upstream with Connection: close and reads the whole answer.

    With `partial` (a byte count), sends only that much of head + body and returns None.
    """
    upstream_reader, upstream_writer = await route.connect(*request_line)
    try:
        request = head + body
        if partial is not None:
            upstream_writer.write(request[:partial])
            await upstream_writer.drain()
            return None
        upstream_writer.write(request)
        await upstream_writer.drain()
        return await upstream_reader.read()
    finally:
        upstream_writer.close()
        try:
            await upstream_writer.wait_closed()
        except (ConnectionError, OSError):
            pass


def keep_alive_answer(answer):
    """The upstream answer with its Connection header removed when its framing allows keep-alive."""
    end = answer.find(b"\r\n\r\n")
    if end < 0:
        return answer, False
    start, headers = parse_headers(answer[: end + 4])
    framed = header(headers, "content-length") is not None or \
        (header(headers, "transfer-encoding") or "").lower() == "chunked"
    if not framed:
        return answer, False
    kept = [(name, value) for name, value in headers if name.lower() not in ("connection", "keep-alive")]
    return build_head(start, kept) + answer[end + 4:], True


async def handle(chaos, reader, writer):
    args = chaos.args
    route = Route(chaos)
    try:
        while True:
            head = await read_head(reader)
            if head is None:
                return
            start, headers = parse_headers(head)
            body = await read_body(reader, headers)
            method, _, rest = start.partition(" ")
            path = rest.rpartition(" ")[0]
            client_closes = (header(headers, "connection") or "").lower() == "close"
            kind, where = chaos.draw()
            log(f"fault {kind} {method} {path}")
            forwarded = [
                (name, value) for name, value in headers
                if name.lower() not in ("connection", "keep-alive", "proxy-connection", "expect")
            ] + [("Connection", "close")]
            upstream_head = build_head(start, forwarded)

            if kind == "drop-request":
                cut = len(upstream_head) + int(where * len(body)) if body else int(where * len(upstream_head))
                await exchange(route, (method, path), upstream_head, body, partial=cut)
                return
            if kind == "error-before":
                writer.write(gateway_error(where))
                await writer.drain()
                if client_closes:
                    return
                continue

            answer = await exchange(route, (method, path), upstream_head, body)
            if not answer:
                log("connection ended: the upstream closed without answering")
                return
            if kind == "error-after":
                writer.write(gateway_error(where))
                await writer.drain()
                if client_closes:
                    return
                continue
            answer, keep = keep_alive_answer(answer)
            if kind == "drop-response":
                writer.write(answer[: int(where * len(answer))])
                await writer.drain()
                return
            if kind == "cut-headers":
                writer.write(answer[: answer.find(b"\r\n") + 2])
                await writer.drain()
                return
            if kind in ("stall", "long-stall"):
                split = int(where * len(answer))
                writer.write(answer[:split])
                await writer.drain()
                seconds = args.long_stall_seconds if kind == "long-stall" else where * args.stall_seconds
                await asyncio.sleep(seconds)
                writer.write(answer[split:])
            else:
                writer.write(answer)
            await writer.drain()
            if client_closes or not keep:
                return
    except (ConnectionError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
        log(f"connection ended: {error!r}")
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, OSError):
            pass


async def serve(args):
    chaos = Chaos(args)
    server = await asyncio.start_server(
        lambda reader, writer: handle(chaos, reader, writer), "127.0.0.1", args.port, limit=MAX_HEAD
    )
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description="A faulty HTTP/1.1 proxy for the fault-injection tests.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--upstream-port", type=int, action="append", default=[], help="repeat to balance several")
    parser.add_argument("--upstream-ports", default="", help="comma-separated, the same as --upstream-port repeated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drop-request", type=float, default=0.0, help="probability per request")
    parser.add_argument("--drop-response", type=float, default=0.0, help="probability per request")
    parser.add_argument("--cut-headers", type=float, default=0.0, help="probability per request")
    parser.add_argument("--stall", type=float, default=0.0, help="probability per request")
    parser.add_argument("--long-stall", type=float, default=0.0, help="probability per request")
    parser.add_argument("--error-before", type=float, default=0.0, help="probability per request")
    parser.add_argument("--error-after", type=float, default=0.0, help="probability per request")
    parser.add_argument("--stall-seconds", type=float, default=2.0, help="longest ordinary stall")
    parser.add_argument("--long-stall-seconds", type=float, default=35.0, help="a stall past the client's limit")
    parser.add_argument("--script", help="comma-separated faults forced on the first requests")
    args = parser.parse_args()
    args.upstream_ports = args.upstream_port + [int(port) for port in args.upstream_ports.split(",") if port.strip()]
    if not args.upstream_ports:
        parser.error("give at least one --upstream-port")
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
