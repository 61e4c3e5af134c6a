#!/usr/bin/python3
"""Sustained Φ control load against a running soundlab (scripts/bench-phi-load.sh starts one):
OSC messages over UDP and sensor pushes over WS /ws/control at fixed rates, then checks that
nothing was lost and that the audio had no xruns.

  bench-phi-load.py HTTP_PORT OSC_PORT [SECONDS [OSC_PER_S [SENSOR_PER_S]]]

Every message is valid, so: osc.received grows by the OSC messages sent (rejected by 0), and
sensor.received and sensor.applied (GET /api/phi) by the sensor samples sent over both
transports. Exit status 1 when something was lost, rejected or an xrun happened.
"""
import asyncio
import json
import socket
import struct
import sys
import threading
import time
import urllib.request

import websockets

http_port, osc_port = int(sys.argv[1]), int(sys.argv[2])
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
osc_rate = float(sys.argv[4]) if len(sys.argv) > 4 else 1000.0
sensor_rate = float(sys.argv[5]) if len(sys.argv) > 5 else 200.0
base = f"http://127.0.0.1:{http_port}"


def get(path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.load(r)


def osc_string(s):
    b = s.encode() + b"\0"
    return b + b"\0" * (-len(b) % 4)


def osc_message(address, *floats):
    return osc_string(address) + osc_string("," + "f" * len(floats)) + b"".join(
        struct.pack(">f", f) for f in floats)


def paced(rate, total_seconds, step):
    """Calls step(i) at `rate` per second on an absolute schedule (no drift); returns the count
    and the seconds it took."""
    start = time.monotonic()
    count = int(rate * total_seconds)
    for i in range(count):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        step(i)
    time.sleep(max(0.0, start + total_seconds - time.monotonic()))  # a rate of 0: a baseline
    return count, time.monotonic() - start


osc_sent = {"sensor": 0, "phi": 0}
osc_elapsed = [0.0]


def osc_sender():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = ("127.0.0.1", osc_port)

    def step(i):
        kind = i % 5
        if kind == 0:
            m, k = osc_message("/soundlab/sensor/hr", 60.0 + (i % 100)), "sensor"
        elif kind == 1:
            m, k = osc_message("/soundlab/sensor/gsr", (i % 1000) / 1000.0), "sensor"
        elif kind == 2:
            m, k = osc_message("/soundlab/sensor/accel", 0.5, -0.25, 1.0), "sensor"
        elif kind == 3:
            m, k = osc_message("/soundlab/phi/depth", (i % 1600) / 1000.0), "phi"
        else:
            m, k = osc_message("/soundlab/phi/phase", (i % 6000) / 1000.0), "phi"
        sock.sendto(m, target)
        osc_sent[k] += 1

    _, osc_elapsed[0] = paced(osc_rate, seconds, step)


async def ws_sender():
    """Sensor pushes without an id (answered only on error), then one with an id: its answer
    comes after every earlier message has been handled."""
    errors = []
    async with websockets.connect(f"ws://127.0.0.1:{http_port}/ws/control") as ws:
        await ws.send(json.dumps({"type": "phi", "id": "mode", "mode": "sensor"}))
        assert json.loads(await ws.recv())["ok"], "mode change refused"

        async def reader():
            async for message in ws:
                m = json.loads(message)
                if m.get("id") == "done":
                    return m
                errors.append(m)

        reading = asyncio.create_task(reader())
        start = time.monotonic()
        count = int(sensor_rate * seconds)
        for i in range(count):
            delay = start + i / sensor_rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await ws.send(json.dumps({"type": "sensor", "gsr": (i % 100) / 100.0,
                                      "heart_rate_bpm": 60 + i % 60,
                                      "accel": {"x": 0.1, "y": 0.0, "z": 1.0}}))
        await asyncio.sleep(max(0.0, start + seconds - time.monotonic()))
        elapsed = time.monotonic() - start
        await ws.send(json.dumps({"type": "phi", "id": "done"}))
        await asyncio.wait_for(reading, 10)
        return count, elapsed, errors


xrun_times = []  # (seconds into the run, xruns so far) whenever the count grew
monitoring = [True]


def xrun_monitor(start, first):
    """Polls the xrun count twice a second, so that an xrun can be placed in time."""
    last = first
    while monitoring[0]:
        time.sleep(0.5)
        total = get("/api/audio/performance")["xruns"]["total"]
        if total != last:
            xrun_times.append((time.monotonic() - start, total - first))
            last = total


def main():
    phi0, perf0 = get("/api/phi"), get("/api/audio/performance")
    t0 = time.monotonic()
    monitor = threading.Thread(target=xrun_monitor,
                               args=(time.monotonic(), perf0["xruns"]["total"]))
    monitor.start()
    osc_thread = threading.Thread(target=osc_sender)
    osc_thread.start()
    ws_count, ws_elapsed, ws_errors = asyncio.run(ws_sender())
    osc_thread.join()
    monitoring[0] = False
    monitor.join()
    osc_total = osc_sent["sensor"] + osc_sent["phi"]

    # UDP has no answer: wait (≤ 5 s) until the server has counted every datagram.
    deadline = time.monotonic() + 5
    while True:
        phi1 = get("/api/phi")
        counted = (phi1["osc"]["received"] + phi1["osc"]["rejected"]
                   - phi0["osc"]["received"] - phi0["osc"]["rejected"])
        if counted >= osc_total or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    perf1 = get("/api/audio/performance")
    wall = time.monotonic() - t0

    d = lambda a, b, *keys: _dig(b, keys) - _dig(a, keys)
    osc_received = d(phi0, phi1, "osc", "received")
    osc_rejected = d(phi0, phi1, "osc", "rejected")
    sensor_received = d(phi0, phi1, "sensor", "received")
    sensor_applied = d(phi0, phi1, "sensor", "applied")
    sensor_sent = ws_count + osc_sent["sensor"]
    xruns = d(perf0, perf1, "xruns", "total")
    callbacks = d(perf0, perf1, "callback_count")

    print(f"duration            {seconds:.0f} s (OSC took {osc_elapsed[0]:.2f} s, "
          f"WS {ws_elapsed:.2f} s)")
    print(f"OSC sent            {osc_total} ({osc_total / osc_elapsed[0]:.0f}/s: "
          f"{osc_sent['sensor']} sensor, {osc_sent['phi']} phi)")
    print(f"OSC received        {osc_received}   rejected {osc_rejected}")
    print(f"WS sensor sent      {ws_count} ({ws_count / ws_elapsed:.0f}/s), error replies "
          f"{len(ws_errors)}")
    print(f"sensor samples sent {sensor_sent} (WS + OSC)")
    print(f"sensor received     {sensor_received}   applied {sensor_applied}")
    print(f"audio callbacks     {callbacks} in {wall:.2f} s ({callbacks * 512 / 48000 / wall:.3f} "
          f"of real time at 48 kHz / 512)")
    status = get("/api/status")
    print(f"xruns               {xruns} (realtime priority: {status.get('realtime_priority')}, "
          f"load average {open('/proc/loadavg').read().split()[0]})")
    for at, n in xrun_times:
        print(f"  xrun seen at      {at:.1f} s (total {n})")
    print(f"processing max      {perf1['processing_time_ms']['max']:.3f} ms of "
          f"{perf1['buffer_duration_ms']:.2f} ms; cpu load peak {perf1['cpu_load']['peak']:.3f}")
    lost = (osc_received != osc_total or osc_rejected != 0 or sensor_received != sensor_sent
            or sensor_applied != sensor_received or ws_errors)
    print("result              " + ("LOST OR REJECTED MESSAGES" if lost else "nothing lost")
          + (f", {xruns} XRUNS" if xruns else ", 0 xruns"))
    return 1 if lost or xruns else 0


def _dig(o, keys):
    for k in keys:
        o = o[k]
    return o


if __name__ == "__main__":
    sys.exit(main())
