#!/usr/bin/python3
"""Clients of /ws/metrics for scripts/bench-metrics-ws.sh (python3-websockets).

Usage: bench-metrics-ws.py WS_URL HTTP_BASE CLIENTS SECONDS OUT_JSON
Opens CLIENTS WebSocket clients (in processes of at most 250 each). Once all clients of a
process are connected, the window starts at the server's next frame (GET /api/metrics/latest)
and lasts SECONDS; then each client keeps reading until it has the frame that was the server's
latest when the window closed (a slow Python client lags behind the server; what counts is
whether the server delivered every frame). Writes per client the frame ids of its window and,
for the first client of each process, their arrival times.
"""
import asyncio
import json
import multiprocessing
import sys
import time
import urllib.request

import websockets


def latest_id(base):
    with urllib.request.urlopen(base + "/api/metrics/latest", timeout=10) as r:
        return json.load(r)["frame_id"]


def frame_id(message):
    i = message.index('"frame_id":') + 11  # compact JSON from the server: no full parse
    return int(message[i:message.index(',', i)])


async def client(url, keep_times, out, connected, window):
    ids, times = [], []
    try:
        ws = await websockets.connect(url, max_queue=None, ping_interval=None, open_timeout=60)
    finally:
        connected()  # connected or failed: the window must not wait for it
    try:
        first, last = await window[0], None
        deadline = None
        while True:
            if last is None and window[1].done():
                last = window[1].result()
                deadline = time.monotonic() + 60  # catching up
            if deadline is not None and time.monotonic() > deadline:
                break
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=1.0)
            except asyncio.TimeoutError:
                continue
            except websockets.ConnectionClosed as e:
                print(f"client closed by the server: {e}", file=sys.stderr)
                break
            fid = frame_id(message)
            if fid >= first and (last is None or fid <= last):
                ids.append(fid)
                if keep_times:
                    times.append(time.monotonic())
            if last is not None and fid >= last:
                break
        if last is None:  # closed early: its window still ends with the others'
            last = await window[1]
    finally:
        await ws.close()
    out.append({"first": first, "last": last, "ids": ids, "times": times})


async def group(url, base, count, seconds):
    out = []
    loop = asyncio.get_running_loop()
    window = (loop.create_future(), loop.create_future())
    pending = [count]

    def connected():
        pending[0] -= 1
        if pending[0] == 0:
            window[0].set_result(latest_id(base) + 1)

    async def close_window():
        await window[0]
        await asyncio.sleep(seconds)
        window[1].set_result(latest_id(base))

    closer = asyncio.create_task(close_window())
    tasks = [asyncio.create_task(client(url, k == 0, out, connected, window))
             for k in range(count)]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    await closer
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        print(f"{len(failed)} clients failed: {failed[0]!r}", file=sys.stderr)
    return out


def worker(args):
    return asyncio.run(group(*args))


def main():
    url, base, clients, seconds, out_path = (sys.argv[1], sys.argv[2], int(sys.argv[3]),
                                             float(sys.argv[4]), sys.argv[5])
    per = 250
    jobs = [(url, base, min(per, clients - k), seconds) for k in range(0, clients, per)]
    with multiprocessing.Pool(len(jobs)) as pool:
        results = pool.map(worker, jobs)
    with open(out_path, "w") as f:
        json.dump([c for r in results for c in r], f)


if __name__ == "__main__":
    main()
