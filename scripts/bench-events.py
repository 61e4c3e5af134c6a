#!/usr/bin/python3
"""Command round trip through /ws/events (docs/benchmarks.md, "Events"; python3-websockets).

Usage: scripts/bench-events.py [--url http://127.0.0.1:PORT] [--binary build/app/soundlab]
                               [--port 18793] [--changes 200] [--buffer-size N] [--token T]

Without --url it starts the real program headless on the virtual device with audio running
(--no-gui --auto-start-audio) and stops it afterwards. A client of /ws/events stays connected
while N PUT /api/phi changes go out one at a time over one HTTP keep-alive connection; each sets
a manual phase of its own, which identifies its record. Per change:
  http    time from sending the request to its complete answer
  event   time from sending the request to receiving its /ws/events record (which waits for the
          block that applied the change to complete)
  heard   heard_time of that record − the wall-clock time the request was sent: when the change
          is heard (the stream's output latency included)
Prints p50/p99 of each, in ms and in block periods (buffer size / sample rate, from /api/status).
"""
import argparse
import asyncio
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import websockets


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def wait_healthy(base, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"no answer from {base}/healthz")


def wait_running(base, headers, seconds=30):
    """The block period in ms once the stream runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        request = urllib.request.Request(base + "/api/status", headers=headers)
        with urllib.request.urlopen(request, timeout=5) as r:
            status = json.load(r)
            if status.get("stream_state") == "running":
                return 1000.0 * status["buffer_size"] / status["sample_rate"]
        time.sleep(0.1)
    sys.exit("the audio stream did not start")


async def measure(base, token, changes):
    parsed = urllib.parse.urlparse(base)
    headers = {"Content-Type": "application/json"}
    ws_url = f"ws://{parsed.hostname}:{parsed.port}/ws/events"
    if token:
        headers["Authorization"] = f"Bearer {token}"
        ws_url += "?token=" + urllib.parse.quote(token)
    block_ms = wait_running(base, headers)

    arrivals = {}  # phase -> (perf_counter at arrival, record)
    seqs = []
    ws = await websockets.connect(ws_url, max_queue=None, ping_interval=None)

    async def read():
        async for message in ws:
            now = time.perf_counter()
            record = json.loads(message)
            seqs.append(record["seq"])
            if record.get("type") == "change" and record.get("path") == "/api/phi":
                phase = record["state"]["manual"]["phase"]
                arrivals[round(phase, 6)] = (now, record)

    reader = asyncio.create_task(read())
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    rows = []
    for i in range(changes):
        phase = round(0.001 + i * 0.01, 6)  # distinct, within 0 … 2π
        body = json.dumps({"mode": "manual", "manual": {"phase": phase}})

        def put():
            wall, sent = time.time(), time.perf_counter()
            connection.request("PUT", "/api/phi", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                sys.exit(f"PUT /api/phi answered {response.status}")
            return wall, sent, time.perf_counter()

        wall, sent, answered = await asyncio.to_thread(put)
        deadline = time.perf_counter() + 5
        while phase not in arrivals and time.perf_counter() < deadline:
            await asyncio.sleep(0.0005)
        if phase not in arrivals:
            sys.exit(f"no /ws/events record for change {i}")
        arrived, record = arrivals[phase]
        rows.append({
            "http": (answered - sent) * 1000,
            "event": (arrived - sent) * 1000,
            "heard": (record["heard_time"] - wall) * 1000 if "heard_time" in record else None,
        })
    connection.close()
    reader.cancel()
    await ws.close()
    return rows, seqs, block_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--binary", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build", "app", "soundlab"))
    parser.add_argument("--port", type=int, default=18793)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--buffer-size", type=int, help="frames per block of the started program")
    parser.add_argument("--token", default=os.environ.get("SOUNDLAB_TOKEN", ""))
    args = parser.parse_args()

    process, work = None, None
    base = args.url
    if not base:
        work = tempfile.mkdtemp(prefix="bench-events-")
        base = f"http://127.0.0.1:{args.port}"
        command = [args.binary, "--no-gui", "--device", "virtual", "--auto-start-audio",
                   "--no-logging", "--data-dir", os.path.join(work, "data"), "--port",
                   str(args.port)]
        if args.buffer_size:
            command += ["--buffer-size", str(args.buffer_size)]
        process = subprocess.Popen(command,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(base)
        rows, seqs, block_ms = asyncio.run(measure(base, args.token, args.changes))
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
            shutil.rmtree(work, ignore_errors=True)

    gaps = sum(1 for a, b in zip(seqs, seqs[1:]) if b != a + 1)
    print(f"{len(rows)} changes, {len(seqs)} records, {gaps} seq gaps; block period {block_ms:.2f} ms")
    for name, label in (("http", "HTTP answer"), ("event", "request → its record"),
                        ("heard", "request → heard_time")):
        values = [r[name] for r in rows if r[name] is not None]
        if not values:
            print(f"{label:24} no figures")
            continue
        p50, p99 = percentile(values, 50), percentile(values, 99)
        print(f"{label:24} p50 {p50:7.2f} ms ({p50 / block_ms:4.2f} blocks)   "
              f"p99 {p99:7.2f} ms ({p99 / block_ms:4.2f} blocks)   ({len(values)} changes)")


if __name__ == "__main__":
    main()
