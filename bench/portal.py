"""How many requests per second the sample portal farm sustains on one core, for 10,000 agencies.

The farm runs in a child process (one core, as in a crawl benchmark); this process hammers it over
loopback with many keep-alive connections. The workload is a crawl: the pages of a random sample
of agencies (home, navigation, lists, list APIs, report and distractor pages) in an order that
interleaves hosts, so most sites are built cold on their first request, as a crawler would meet
them. Attachments (PDF/DOCX rendering) and images are measured in separate, smaller phases.
Bounded by request count and time; prints, never asserts.

    .venv/bin/python bench/portal.py [--agencies 10000] [--sample 2000] [--seconds 20] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable

from collector.sample.portal import SamplePortal
from collector.sample.portal.config import FarmConfig
from collector.sample.portal.farm import Farm
from collector.sample.portal.site import Resource

HOST = "127.0.0.1"
PAGE_KINDS = {"home", "nav", "column", "list", "api", "report", "distractor", "robots"}
#: Files by media type: rendering them is the expensive part, so each type is measured on its own.
FILE_PHASES = (("PDF attachments", "application/pdf"),
               ("DOCX attachments", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
               ("images", "image/png"))


def serve(agencies: int, seed: int, port_pipe, stop_event) -> None:
    """Child process: run the farm until told to stop."""
    portal = SamplePortal(agencies=agencies, seed=seed, fault_rate=0)
    port_pipe.send(portal.start())
    stop_event.wait()
    portal.stop()


def workload(agencies: int, seed: int, sample: int, wanted: Callable[[Resource], bool],
             draw: int) -> list[tuple[str, str, str, bytes]]:
    """(host, method, target, body) of the ``wanted`` resources of ``sample`` random agencies, hosts interleaved."""
    farm = Farm(FarmConfig(agencies=agencies, seed=seed, fault_rate=0))
    chosen = random.Random(draw).sample(range(agencies), sample)
    per_host = []
    for index in chosen:
        family = farm.family(index)
        per_host.append([(family.agency.host, resource.method, resource.target, (resource.body or "").encode())
                         for resource in family.site.resources if wanted(resource)])
    interleaved = []
    for position in range(max(map(len, per_host), default=0)):
        interleaved += [requests[position] for requests in per_host if position < len(requests)]
    return interleaved


async def hammer(port: int, requests: list[tuple[str, str, str, bytes]], connections: int,
                 seconds: float) -> tuple[int, float, Counter]:
    """Send ``requests`` over ``connections`` keep-alive connections; stop early after ``seconds``."""
    queue: Iterable = iter(requests)
    statuses: Counter = Counter()
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            for host, method, target, body in queue:
                if time.perf_counter() > deadline:
                    return
                head = (f"{method} {target} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {len(body)}\r\n"
                        + ("Content-Type: application/x-www-form-urlencoded\r\n" if body else "") + "\r\n")
                writer.write(head.encode("utf-8") + body)
                status_line = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                statuses[int(status_line.split()[1])] += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return sum(statuses.values()), time.perf_counter() - started, statuses


def phase(name: str, port: int, requests: list, connections: int, seconds: float) -> None:
    done, elapsed, statuses = asyncio.run(hammer(port, requests, connections, seconds))
    print(f"{name:<34} {done:>7} requests in {elapsed:6.2f} s = {done / elapsed:8.0f} req/s   statuses {dict(statuses)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=2_000, help="agencies whose pages are requested")
    parser.add_argument("--seconds", type=float, default=20.0, help="time bound of the page phase")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    stop = context.Event()
    server = context.Process(target=serve, args=(args.agencies, args.seed, send, stop), daemon=True)
    server.start()
    port = receive.recv()
    try:
        pages = workload(args.agencies, args.seed, args.sample, lambda resource: resource.kind in PAGE_KINDS, draw=0)
        print(f"farm of {args.agencies} agencies on {HOST}:{port}; {len(pages)} page requests over "
              f"{args.sample} agencies, {args.connections} connections")
        phase("pages (cold sites, crawl order)", port, pages, args.connections, args.seconds)
        phase("same pages again (warm caches)", port, pages, args.connections, args.seconds)
        for number, (name, media) in enumerate(FILE_PHASES, start=1):
            files = workload(args.agencies, args.seed, max(1, args.sample // 10),
                             lambda resource, media=media: resource.media == media, draw=number)
            phase(f"{name} (cold)", port, files, args.connections, args.seconds / 3)
    finally:
        stop.set()
        server.join(timeout=30)


if __name__ == "__main__":
    main()
