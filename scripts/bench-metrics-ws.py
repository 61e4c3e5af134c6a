#!/usr/bin/python3
"""Clients of /ws/metrics for scripts/bench-metrics-ws.sh (python3-websockets).

Usage: bench-metrics-ws.py URL CLIENTS SECONDS OUT_JSON
Opens CLIENTS WebSocket clients (spread over processes of at most 250 each), lets them read
for SECONDS, and writes per client the frame ids received and, for the first client of each
process, the arrival times.
"""
import asyncio
import json
import multiprocessing
import sys
import time

import websockets


async def client(url, seconds, keep_times, out):
    ids, times = [], []
    async with websockets.connect(url, max_queue=None, ping_interval=None) as ws:
        out.append((ids, times))
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=left)
            except asyncio.TimeoutError:
                break
            # frame_id without a full parse: the frame is compact JSON from the server.
            i = message.index('"frame_id":') + 11
            j = message.index(',', i)
            ids.append(int(message[i:j]))
            if keep_times:
                times.append(time.monotonic())


async def group(url, count, seconds):
    out = []
    tasks = [asyncio.create_task(client(url, seconds, k == 0, out)) for k in range(count)]
    await asyncio.gather(*tasks, return_exceptions=True)
    return out


def worker(args):
    url, count, seconds = args
    return asyncio.run(group(url, count, seconds))


def main():
    url, clients, seconds, out_path = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    per = 250
    jobs = [(url, min(per, clients - k), seconds) for k in range(0, clients, per)]
    with multiprocessing.Pool(len(jobs)) as pool:
        results = pool.map(worker, jobs)
    flat = [c for r in results for c in r]
    with open(out_path, "w") as f:
        json.dump([{"ids": ids, "times": times} for ids, times in flat], f)


if __name__ == "__main__":
    main()
