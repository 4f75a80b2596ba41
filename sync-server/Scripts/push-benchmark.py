#!/usr/bin/env python3
"""Measures the server's push path: N new responses of 20 answers each, pushed in batches over loopback.

Usage: push-benchmark.py PATH/TO/doorstep-server [--responses 100000] [--batch 1000] [--single 0]

It makes a fresh data directory, publishes a 20-question form, creates a campaign and a token, starts
`doorstep-server serve --port 0`, builds every request body before the clock starts, then times the
pushes (and, with --single N, N one-operation pushes for the naive comparison). Loopback only.
"""
import argparse, http.client, json, os, random, subprocess, sys, tempfile, time, uuid

FORM = """id: bench
version: 1
title: Benchmark form
questions:
""" + "".join(
    f"  - name: q{i}\n    type: select_one scale\n    label: Question {i}\n" for i in range(10)
) + "".join(
    f"  - name: n{i}\n    type: integer\n    label: Number {i}\n" for i in range(5)
) + "".join(
    f"  - name: m{i}\n    type: select_multiple worry\n    label: Worries {i}\n" for i in range(3)
) + """  - name: note_text
    type: text
    label: Anything else
  - name: phone
    type: text
    label: Phone
    sensitive: true
choices:
  scale:
    - {name: a, label: A}
    - {name: b, label: B}
    - {name: c, label: C}
    - {name: d, label: D}
  worry:
    - {name: drugs, label: Drugs}
    - {name: fires, label: Fires}
    - {name: asb, label: ASB}
"""


def cpu_seconds(pid):
    """User plus system CPU time of a process so far, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("server")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--single", type=int, default=0)
    options = parser.parse_args()

    data = tempfile.mkdtemp(prefix="doorstep-bench-")
    with open(os.path.join(data, "bench.yaml"), "w") as f:
        f.write(FORM)
    with open(os.path.join(data, "walk.csv"), "w") as f:
        f.write("id,address,street,area\n")
        for i in range(200):
            f.write(f"a{i},{i} Street {i % 20},Street {i % 20},Area {i % 4}\n")
    run(options.server, "forms", "publish", "--data", data, os.path.join(data, "bench.yaml"))
    run(options.server, "campaign", "create", "--data", data, "--id", "c", "--name", "Bench",
        "--form", "bench", "--addresses", os.path.join(data, "walk.csv"))
    token = run(options.server, "token", "create", "--data", data, "--role", "collector", "--name", "bench")

    server = subprocess.Popen([options.server, "serve", "--data", data, "--port", "0", "--log-level", "warning"],
                              stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    host, port = url.removeprefix("http://").split(":")
    rng = random.Random(7)
    now = int(time.time() * 1000) - 60_000

    def operation(n):
        answers = {f"q{i}": rng.choice("abcd") for i in range(10)}
        answers.update({f"n{i}": rng.randrange(100) for i in range(5)})
        answers.update({f"m{i}": sorted(rng.sample(["drugs", "fires", "asb"], rng.randrange(1, 3))) for i in range(3)})
        answers["note_text"] = f"free text {n}"
        answers["phone"] = "07700 900000"
        return {"id": str(uuid.uuid4()).upper(), "type": "response.create",
                "stamp": f"{now + n:016d}-0000-bench", "device": "bench",
                "payload": {"response": str(uuid.uuid4()).upper(), "campaign": "c", "address": f"a{n % 200}",
                            "form": "bench", "form_version": "1", "recorded_at": "2026-11-14T10:00:00Z",
                            "answers": answers, "safeguarding": False}}

    bodies = []
    for start in range(0, options.responses, options.batch):
        ops = [operation(n) for n in range(start, min(start + options.batch, options.responses))]
        bodies.append(json.dumps({"device": "bench", "operations": ops}).encode())
    singles = [json.dumps({"device": "bench", "operations": [operation(options.responses + n)]}).encode()
               for n in range(options.single)]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection(host, int(port))
    try:
        started = time.perf_counter()
        cpu = cpu_seconds(server.pid)
        applied = 0
        for body in bodies:
            connection.request("POST", "/v1/push", body, headers)
            answer = json.loads(connection.getresponse().read())
            applied += sum(1 for r in answer["results"] if r["status"] == "applied")
        batched = time.perf_counter() - started
        cpu = cpu_seconds(server.pid) - cpu
        print(f"batched: {options.responses} responses in {len(bodies)} pushes of {options.batch}: "
              f"{batched:.2f} s ({options.responses / batched:,.0f} responses/s), server CPU {cpu:.2f} s, "
              f"{applied} applied")
        if singles:
            started = time.perf_counter()
            for body in singles:
                connection.request("POST", "/v1/push", body, headers)
                connection.getresponse().read()
            single = time.perf_counter() - started
            print(f"one per request: {len(singles)} responses: {single:.2f} s ({len(singles) / single:,.0f} responses/s)")
    finally:
        server.terminate()
        server.wait(timeout=30)
    size = os.path.getsize(os.path.join(data, "doorstep-server.sqlite"))
    print(f"database: {size / 1_048_576:.0f} MiB in {data}")


if __name__ == "__main__":
    sys.exit(main())
