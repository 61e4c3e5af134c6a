#!/usr/bin/python3
"""The soak of issue 17 (docs/benchmarks.md "Soak"), driven by scripts/soak.sh.

Usage: soak.py SOUNDLAB_BINARY MINUTES WORK_DIR

Runs `soundlab --no-gui` on the virtual device (loopback for calibration, logging on, OSC on)
for MINUTES under: 100 /ws/metrics clients (30 Hz) and 10 /ws/latency clients (10 Hz) reading
every frame, one stalled /ws/metrics client that never reads, 50 REST requests/s mixed (status,
presets CRUD, A/B store and toggle, engine changes, Φ switches), an OSC sensor stream at 100 Hz,
and a calibration every 5 minutes. Samples the process's RSS, open descriptors and xruns every
5 s. Prints the figures and exits 1 when a pass criterion fails:
  0 xruns; RSS growth < 5 MB after the warm-up (the first 5 minutes, or the first half of a
  shorter run); open descriptors steady (within 8 over the samples after the warm-up);
  every reading client >= 99 % of the frames; no gap, drop or failed write in the logs; every request answered
  (no 5xx, no connection error); every calibration done; a clean exit.
Clients run in processes of their own (python3-websockets), so Python's speed is not the
server's. A second, idle soundlab runs meanwhile as a control: xruns it counts too come from the
machine (other jobs), not from the load.
"""
import asyncio
import gzip
import http.client
import itertools
import json
import multiprocessing as mp
import os
import random
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request

import websockets

METRICS_CLIENTS = 100
LATENCY_CLIENTS = 10
REST_RATE = 50.0        # requests/s, all kinds together
OSC_RATE = 100.0        # datagrams/s
CALIBRATION_EVERY = 300.0
SAMPLE_EVERY = 5.0
RSS_LIMIT_KB = 5 * 1024
FD_SLACK = 8
MIN_FRAMES = 0.99


def get_json(base, path, timeout=10):
    with urllib.request.urlopen(base + path, timeout=timeout) as r:
        return json.load(r)


def post(base, path, body=None, method="POST", timeout=10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


# ---- WebSocket readers (a process per stream) ---------------------------------------------------

def frame_id(message):
    i = message.index('"frame_id":') + 11  # compact JSON from the server: no full parse
    return int(message[i:message.index(',', i)])


async def metrics_readers(url, base, count, stop, out):
    """count clients; the window starts at the server's next frame once all are connected and
    ends with the server's latest frame when `stop` is set; each client then reads on until it
    has that frame (up to 60 s), and reports the window's frames it got."""
    loop = asyncio.get_running_loop()
    clients = [await websockets.connect(url, max_queue=None, ping_interval=None,
                                        open_timeout=60) for _ in range(count)]
    first = get_json(base, "/api/metrics/latest")["frame_id"] + 1
    window_end = loop.create_future()

    async def watch_stop():
        while not stop.is_set():
            await asyncio.sleep(0.5)
        window_end.set_result(get_json(base, "/api/metrics/latest")["frame_id"])

    async def read(ws):
        seen, closed = set(), None
        last, deadline = None, None
        while True:
            if last is None and window_end.done():
                last, deadline = window_end.result(), time.monotonic() + 60
            if deadline is not None and (time.monotonic() > deadline or
                                         (seen and max(seen) >= last)):
                break
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=1.0)
            except asyncio.TimeoutError:
                continue
            except websockets.ConnectionClosed as e:
                closed = f"{e.code} {e.reason}"
                break
            fid = frame_id(message)
            if fid >= first:
                seen.add(fid)
        if last is None:
            last = await window_end
        await ws.close()
        got = len([f for f in seen if f <= last])
        return {"stream": "/ws/metrics", "expected": last - first + 1, "received": got,
                "closed": closed}

    watcher = asyncio.create_task(watch_stop())
    out.extend(await asyncio.gather(*(read(ws) for ws in clients)))
    await watcher


async def latency_readers(url, base, count, stop, out):
    """count clients; each counts its frames. When `stop` is set, GET /api/websockets tells what
    the server offered each (frames_sent + frames_dropped of its peer); each client reads on until
    it has that many (up to 30 s: the frames on their way when the table was read)."""
    clients = [await websockets.connect(url, max_queue=None, ping_interval=None,
                                        open_timeout=60) for _ in range(count)]
    received = [0] * count
    closed = [None] * count
    offered = [None] * count

    async def read(k, ws):
        deadline = None
        while offered[k] is None or received[k] < offered[k]:
            if offered[k] is not None and deadline is None:
                deadline = time.monotonic() + 30
            if deadline is not None and time.monotonic() > deadline:
                return
            try:
                await asyncio.wait_for(ws.recv(), timeout=0.5)
                received[k] += 1
            except asyncio.TimeoutError:
                continue
            except websockets.ConnectionClosed as e:
                closed[k] = f"{e.code} {e.reason}"
                return

    readers = [asyncio.create_task(read(k, ws)) for k, ws in enumerate(clients)]
    while not stop.is_set():
        await asyncio.sleep(0.5)
    loop = asyncio.get_running_loop()
    table = await loop.run_in_executor(None, get_json, base, "/api/websockets")
    peers = {c["peer"]: c for c in table["clients"]}
    for k, ws in enumerate(clients):
        entry = peers.get(f"127.0.0.1:{ws.local_address[1]}", {})
        offered[k] = entry.get("frames_sent", 0) + entry.get("frames_dropped", 0)
    await asyncio.gather(*readers)
    for k, ws in enumerate(clients):
        out.append({"stream": "/ws/latency", "expected": offered[k],
                    "received": min(received[k], offered[k]), "closed": closed[k]})
        await ws.close()


def readers_process(kind, url, base, count, stop, results):
    out = []
    reader = metrics_readers if kind == "metrics" else latency_readers
    try:
        asyncio.run(reader(url, base, count, stop, out))
    except Exception as e:  # a client that could not even connect fails the run
        out.append({"stream": kind, "expected": 1, "received": 0, "closed": repr(e)})
    results.put((kind, out))


# ---- the stalled client ------------------------------------------------------------------------

def stalled_client(port):
    """A /ws/metrics handshake, then nothing read: the server has to cope with it."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: a small window
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /ws/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              b"Sec-WebSocket-Version: 13\r\n\r\n")
    return s


def stalled_outcome(s):
    """Reads what the server left: closed by it (a close frame with 4008 "stalled" sent, or the
    connection ended), or still served."""
    s.settimeout(5)
    data, chunk = b"", b"?"
    try:
        while len(data) < (64 << 20):
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    except OSError as e:
        return f"reset ({e})"
    close = data.rfind(b"\x88")
    if close >= 0 and data[close + 2:close + 4] == b"\x0f\xa8":
        return "closed by the server with 4008 (stalled)"
    return "closed by the server" if not chunk else "still served"


# ---- REST mix ----------------------------------------------------------------------------------

class Rest:
    """Persistent HTTP/1.1 connections (one per thread), as a control client keeps them."""

    def __init__(self, port):
        self.port = port
        self.local = threading.local()
        self.lock = threading.Lock()
        self.counts = {}    # (operation, status) -> n
        self.unanswered = []
        self.times = []     # seconds per request

    def request(self, op, method, path, body=None):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        data = None if body is None else json.dumps(body)
        headers = {"Content-Type": "application/json"} if data else {}
        start = time.monotonic()
        for attempt in range(2):
            try:
                conn.request(method, path, body=data, headers=headers)
                r = conn.getresponse()
                payload = r.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                # An idle keep-alive connection the server closed: a client reconnects; a
                # request that gets no answer twice is counted.
                conn.close()
                if attempt == 1:
                    with self.lock:
                        self.unanswered.append(f"{op}: {e!r}")
                    return None, None
            except Exception as e:
                conn.close()
                with self.lock:
                    self.unanswered.append(f"{op}: {e!r}")
                return None, None
        with self.lock:
            self.counts[(op, r.status)] = self.counts.get((op, r.status), 0) + 1
            self.times.append(time.monotonic() - start)
        try:
            return r.status, json.loads(payload) if payload else None
        except ValueError:
            return r.status, None


def rest_operations(rest, serial):
    """One endless sequence of requests: each next() sends one."""
    phi_modes = itertools.cycle(["internal", "sensor", "manual", "audio"])
    for n in itertools.count():
        yield rest.request("status", "GET", "/api/status")
        name = f"soak {serial}-{n}"
        status, body = rest.request("preset create", "POST", "/api/presets",
                                    {"name": name, "engine": {"coupling_strength": 1.2}})
        yield
        pid = body.get("id") if status == 201 and body else None
        if pid:
            yield rest.request("preset get", "GET", f"/api/presets/{pid}")
            yield rest.request("preset update", "PUT", f"/api/presets/{pid}",
                               {"name": name, "engine": {"coupling_strength": 0.8}})
        yield rest.request("engine", "PUT", "/api/engine",
                           {"engine": {"coupling_strength": round(random.uniform(0.2, 1.8), 3)}})
        yield rest.request("a/b toggle", "POST", "/api/presets/ab/toggle")
        yield rest.request("phi", "PUT", "/api/phi", {"mode": next(phi_modes)})
        yield rest.request("phi get", "GET", "/api/phi")
        yield rest.request("metrics latest", "GET", "/api/metrics/latest")
        if pid:
            yield rest.request("preset delete", "DELETE", f"/api/presets/{pid}")


def rest_load(port, stop, results, threads=4):
    rest = Rest(port)
    for slot in "AB":
        rest.request("a/b store", "POST", f"/api/presets/ab/store/{slot}")
    period = threads / REST_RATE

    def worker(serial):
        ops = rest_operations(rest, serial)
        due = time.monotonic()
        while not stop.is_set():
            next(ops)
            due += period
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif delay < -1.0:
                due = time.monotonic()  # fell behind (a busy machine): no burst to catch up

    workers = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    start = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - start
    times = sorted(rest.times)
    results.put(("rest", {
        "counts": {f"{op} {status}": n for (op, status), n in sorted(rest.counts.items())},
        "requests": sum(rest.counts.values()), "rate": sum(rest.counts.values()) / elapsed,
        "unanswered": rest.unanswered,
        "p50_ms": 1000 * times[len(times) // 2] if times else None,
        "p99_ms": 1000 * times[int(len(times) * 0.99)] if times else None,
        "max_ms": 1000 * times[-1] if times else None}))


# ---- OSC sensor stream -------------------------------------------------------------------------

def osc_message(address, *floats):
    def pad(b):
        return b + b"\0" * (4 - len(b) % 4)
    return pad(address.encode()) + pad(b"," + b"f" * len(floats)) + \
        b"".join(struct.pack(">f", f) for f in floats)


def osc_load(port, stop, results):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent, due, t0 = 0, time.monotonic(), time.monotonic()
    while not stop.is_set():
        t = time.monotonic() - t0
        if sent % 2 == 0:
            message = osc_message("/soundlab/sensor/hr", 70 + 10 * ((t / 10) % 1))
        else:
            message = osc_message("/soundlab/sensor/gsr", 0.5 + 0.4 * ((t / 7) % 1))
        s.sendto(message, ("127.0.0.1", port))
        sent += 1
        due += 1.0 / OSC_RATE
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        elif delay < -1.0:
            due = time.monotonic()
    results.put(("osc", {"sent": sent, "rate": sent / (time.monotonic() - t0)}))


# ---- the run -----------------------------------------------------------------------------------

def process_figures(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return {"rss_kb": int(fields["VmRSS"].split()[0]), "threads": int(fields["Threads"]),
            "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def log_records(root, session):
    """Every record of the session's gzipped logs, per category."""
    out = {}
    for category in ["audio_engine", "phi_modulator", "metrics", "latency", "presets", "control"]:
        path = os.path.join(root, category, f"{session}_{category}.jsonl.gz")
        if os.path.exists(path):
            with gzip.open(path, "rt") as f:
                out[category] = [json.loads(line) for line in f if line.strip()]
    return out


def main():
    binary, minutes, work = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    duration = minutes * 60
    warmup = min(300.0, duration / 2)
    loads = [os.getloadavg()]

    env = dict(os.environ)
    for name in [n for n in env if n.startswith("SOUNDLAB_")] + ["DISPLAY", "WAYLAND_DISPLAY"]:
        env.pop(name, None)
    env["XDG_CONFIG_HOME"] = os.path.join(work, "config")
    out_path = os.path.join(work, "soundlab.out")
    app = subprocess.Popen([binary, "--no-gui", "--device", "virtual", "--port", "0",
                            "--auto-start-audio", "--virtual-loopback-delay", "1234.37",
                            "--osc-port", "0", "--data-dir", os.path.join(work, "data")],
                           stdout=open(out_path, "w"), stderr=subprocess.STDOUT, env=env)
    port = osc_port = None
    for _ in range(300):
        text = open(out_path).read()
        if "listening on http" in text:
            port = int(text.split("listening on http://")[1].split(":")[1].split()[0])
            osc_port = int(text.split("osc listening on udp://")[1].split(":")[1].split()[0])
            break
        time.sleep(0.1)
    if port is None:
        print("soundlab did not start:\n" + open(out_path).read(), file=sys.stderr)
        app.kill()
        return 1
    base = f"http://127.0.0.1:{port}"
    # A control: a second soundlab, idle (no clients, no logs), on the same machine meanwhile.
    # Its xruns are the machine's (other jobs starving real-time threads), not the load's.
    control_out = os.path.join(work, "control.out")
    control = subprocess.Popen([binary, "--no-gui", "--device", "virtual", "--port", "0",
                                "--auto-start-audio", "--no-logging", "--data-dir",
                                os.path.join(work, "control")],
                               stdout=open(control_out, "w"), stderr=subprocess.STDOUT, env=env)
    control_base = None
    for _ in range(300):
        text = open(control_out).read()
        if "listening on http" in text:
            control_base = "http://" + text.split("listening on http://")[1].split()[0]
            break
        time.sleep(0.1)
    control_xruns_start = get_json(control_base, "/api/audio/performance")["xruns"]["total"]
    status = get_json(base, "/api/status")
    session, log_root = status["logging"]["session"], status["logging"]["root"]

    stop = mp.Event()
    results = mp.Queue()
    children = [
        mp.Process(target=readers_process,
                   args=("metrics", f"ws://127.0.0.1:{port}/ws/metrics", base, METRICS_CLIENTS,
                         stop, results)),
        mp.Process(target=readers_process,
                   args=("latency", f"ws://127.0.0.1:{port}/ws/latency", base, LATENCY_CLIENTS,
                         stop, results)),
        mp.Process(target=rest_load, args=(port, stop, results)),
        mp.Process(target=osc_load, args=(osc_port, stop, results)),
    ]
    for child in children:
        child.start()
    stalled = stalled_client(port)

    calibrations = []
    samples = []
    xruns_start = get_json(base, "/api/audio/performance")["xruns"]["total"]
    start = time.monotonic()
    next_calibration = start + 30  # the first once the clients are on, then every 5 minutes
    next_sample = start
    while time.monotonic() - start < duration:
        now = time.monotonic()
        if now >= next_sample:
            figures = process_figures(app.pid)
            figures["t"] = now - start
            figures["xruns"] = get_json(base, "/api/audio/performance")["xruns"]["total"]
            samples.append(figures)
            loads.append(os.getloadavg())
            next_sample += SAMPLE_EVERY
        if now >= next_calibration:
            code, body = post(base, "/api/latency/calibrate")
            calibrations.append({"t": now - start, "status": code,
                                 "id": (body.get("calibration") or {}).get("id")})
            next_calibration += CALIBRATION_EVERY
        for c in calibrations:
            if "state" not in c and c["status"] == 202:
                last = get_json(base, "/api/latency/stats").get("last_calibration") or {}
                if last.get("id") == c["id"] and last.get("state") in ("done", "failed"):
                    c["state"] = last["state"]
                    c["verdict"] = (last.get("result") or {}).get("verdict")
                    c["round_trip_samples"] = (last.get("result") or {}).get("round_trip_samples")
        time.sleep(0.2)

    stop.set()
    end_status = get_json(base, "/api/status")
    xruns_end = get_json(base, "/api/audio/performance")["xruns"]["total"]
    osc_counts = get_json(base, "/api/phi")["osc"]
    websockets_table = get_json(base, "/api/websockets")
    stalled_port = stalled.getsockname()[1]
    stalled_entry = next((c for c in websockets_table["clients"]
                          if c["peer"] == f"127.0.0.1:{stalled_port}"), None)
    control_xruns = get_json(control_base, "/api/audio/performance")["xruns"]["total"] - \
        control_xruns_start
    control.terminate()
    control.wait(60)
    collected = {}
    for _ in children:
        kind, value = results.get(timeout=180)
        collected[kind] = value
    for child in children:
        child.join(30)
    stalled_result = stalled_outcome(stalled)
    stalled.close()
    final = process_figures(app.pid)
    app.terminate()
    exit_code = app.wait(60)
    loads.append(os.getloadavg())

    logs = log_records(log_root, session)
    gap_records = [r for records in logs.values() for r in records if r.get("type") == "gap"]
    gaps = len(gap_records)
    xrun_records = [r for r in logs.get("audio_engine", []) if r.get("type") == "xrun"]
    drops = sum(1 for records in logs.values() for r in records if r.get("type") == "dropped")
    metrics_rows = sum(1 for r in logs.get("metrics", []) if r.get("type") == "frame")

    # ---- figures and verdict
    after = [s for s in samples if s["t"] >= warmup]
    base_sample = after[0] if after else samples[-1]
    rss_growth = max(s["rss_kb"] for s in after or samples) - base_sample["rss_kb"]
    fd_end = (after or samples)[-1]["fds"]  # the last sample under load
    readers = collected.get("metrics", []) + collected.get("latency", [])
    fractions = [r["received"] / r["expected"] if r["expected"] else 0.0 for r in readers]
    rest = collected.get("rest", {})
    five_xx = {k: n for k, n in rest.get("counts", {}).items() if k.split()[-1].startswith("5")}
    failures = []
    if xruns_end - xruns_start:
        failures.append(f"{xruns_end - xruns_start} xruns (the idle control: {control_xruns})")
    if rss_growth >= RSS_LIMIT_KB:
        failures.append(f"RSS grew {rss_growth} kB after the warm-up")
    fds_after = [s["fds"] for s in after or samples]
    if max(fds_after) - min(fds_after) > FD_SLACK:
        failures.append(f"open descriptors {min(fds_after)}..{max(fds_after)} after the warm-up")
    if len(readers) != METRICS_CLIENTS + LATENCY_CLIENTS:
        failures.append(f"{len(readers)} reading clients reported")
    if fractions and min(fractions) < MIN_FRAMES:
        failures.append(f"a reading client got {100 * min(fractions):.2f} % of its frames")
    if any(r["closed"] for r in readers):
        failures.append("reading clients closed: " +
                        ", ".join(sorted({r["closed"] for r in readers if r["closed"]})))
    if gaps or drops:
        failures.append(f"logs: {gaps} gap and {drops} dropped records")
    logging_status = end_status["logging"]
    if logging_status["dropped"] or logging_status["failed"]:
        failures.append(f"logger dropped {logging_status['dropped']}, failed "
                        f"{logging_status['failed']}")
    if rest.get("unanswered") or five_xx or not rest:
        failures.append(f"REST: {len(rest.get('unanswered', []))} unanswered, 5xx {five_xx}")
    if any(c.get("state") != "done" for c in calibrations):
        failures.append(f"calibrations: {calibrations}")
    if exit_code != 0:
        failures.append(f"soundlab exited with {exit_code}")

    report = {
        "minutes": minutes, "warmup_s": warmup,
        "load_average_1min": {"start": loads[0][0], "mean": sum(l[0] for l in loads) / len(loads),
                              "max": max(l[0] for l in loads)},
        "xruns": xruns_end - xruns_start,
        "xrun_times": [r["time"] for r in xrun_records],
        "control_xruns": control_xruns,
        "callbacks": end_status["callback_count"],
        "rss_kb": {"start": samples[0]["rss_kb"], "after_warmup": base_sample["rss_kb"],
                   "max_after_warmup": max(s["rss_kb"] for s in after or samples),
                   "end": final["rss_kb"], "growth_after_warmup": rss_growth},
        "fds": {"after_warmup": base_sample["fds"],
                "min_after_warmup": min(s["fds"] for s in after or samples),
                "max_after_warmup": max(s["fds"] for s in after or samples), "end_of_load": fd_end,
                "after_the_clients_left": final["fds"]},
        "threads": {"after_warmup": base_sample["threads"], "end": final["threads"]},
        "readers": {
            "metrics": len(collected.get("metrics", [])),
            "latency": len(collected.get("latency", [])),
            "min_fraction": min(fractions) if fractions else None,
            "frames_expected_metrics": sum(r["expected"] for r in collected.get("metrics", [])),
            "frames_received_metrics": sum(r["received"] for r in collected.get("metrics", [])),
            "frames_expected_latency": sum(r["expected"] for r in collected.get("latency", [])),
            "frames_received_latency": sum(r["received"] for r in collected.get("latency", []))},
        "stalled_client": {"outcome": stalled_result, "at_the_end": stalled_entry},
        "websocket_frames_dropped": sum(c["frames_dropped"] for c in websockets_table["clients"]),
        "rest": rest,
        "osc": {**collected.get("osc", {}), "received": osc_counts.get("received"),
                "rejected": osc_counts.get("rejected")},
        "calibrations": calibrations,
        "logs": {"gap_records": gaps,
                 "gaps": [{k: r.get(k) for k in ("time", "duration_s", "missing_frames")}
                          for r in gap_records], "dropped_records": drops, "metrics_frames": metrics_rows,
                 "logger": logging_status},
        "exit_code": exit_code,
        "failures": failures,
    }
    with open(os.path.join(work, "soak.json"), "w") as f:
        json.dump({"report": report, "samples": samples}, f, indent=1)
    print(json.dumps(report, indent=1))
    print("PASS" if not failures else "FAIL: " + "; ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
