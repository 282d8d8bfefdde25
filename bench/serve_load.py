#!/usr/bin/env python3
"""Bounded load test of `abcrnn serve` on 127.0.0.1 only: starts the server on a free port with
a fresh archive, sends REQUESTS generate requests (one tune each, seeds 0..REQUESTS-1) from
CLIENTS concurrent clients, and prints p50, p95 and max latency, errors, and whether the server is
still up with every tune archived. The table in bench/README.md ("Serving") comes from this.
Usage: bench/serve_load.py [REQUESTS=200] [CLIENTS=20]  (BUILD_DIR, default build/)"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.environ.get("BUILD_DIR", os.path.join(here, "build"))
requests = int(sys.argv[1]) if len(sys.argv) > 1 else 200
clients = int(sys.argv[2]) if len(sys.argv) > 2 else 20

with tempfile.TemporaryDirectory() as work:
    server = subprocess.Popen([os.path.join(build, "abcrnn-sample"), "serve", "--port", "0", "--host", "127.0.0.1",
                               "--db", os.path.join(work, "tunes.sqlite"), "--threads", str(clients)],
                              stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    port = int(re.search(r"open http://127\.0\.0\.1:(\d+)/", line).group(1))
    base = f"http://127.0.0.1:{port}"
    print(line.strip())

    def one(seed):
        body = json.dumps({"seed": seed, "num": 1}).encode()
        req = urllib.request.Request(base + "/api/generate", data=body, headers={"Content-Type": "application/json"})
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                ok = r.status == 200 and len(json.load(r)["tunes"]) == 1
        except Exception as e:  # noqa: BLE001 - any failure counts as an error
            print("error:", e, file=sys.stderr)
            ok = False
        return time.perf_counter() - start, ok

    wall = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, range(requests)))
    wall = time.perf_counter() - wall
    lat = sorted(t for t, _ in results)
    errors = sum(1 for _, ok in results if not ok)
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    with urllib.request.urlopen(base + "/api/tunes?limit=200", timeout=30) as r:
        archived = len(json.load(r)["tunes"])
    up = server.poll() is None
    server.terminate()
    server.wait()
    load = os.getloadavg()[0]
    print(f"{requests} requests, {clients} clients: p50 {pick(0.50):.0f} ms, p95 {pick(0.95):.0f} ms, "
          f"max {lat[-1] * 1000:.0f} ms, wall {wall:.1f} s ({requests / wall:.1f} tunes/s), errors {errors}, "
          f"archived {archived}, server up after: {up}; {os.cpu_count()} CPUs, load average {load:.1f}")
    sys.exit(0 if errors == 0 and up and archived == min(requests, 200) else 1)
