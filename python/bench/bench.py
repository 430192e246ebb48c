"""Benchmark (not a test): contactnow against plain-Python baselines, measured in one run.

1. Parsing a 100,000-record ``priority.read`` response into objects:
   contactnow.core.parse_response  vs  json.loads + dataclasses  (JSON)
   contactnow.core.parse_response  vs  xml.etree.ElementTree + dataclasses  (XML)
2. Round trips per second against the in-process sandbox:
   contactnow.Client  vs  urllib3.PoolManager (+ json.loads + dataclasses)

Run: ``target/py-venv/bin/python python/bench/bench.py`` (after ``scripts/test-python``).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any, Callable

from contactnow import Client, core
from contactnow.testing import Sandbox

N = 100_000


@dataclass(frozen=True)
class Assignment:
    agent_id: int
    queue_id: int
    level: int


def json_body(n: int) -> bytes:
    records = [{"agentid": str(1000 + i), "qid": str(2000 + i % 50), "level": str(i % 100)} for i in range(n)]
    return json.dumps({"success": True, "total": n, "list": records}).encode()


def xml_body(n: int) -> bytes:
    rows = "".join(
        f"<priority><agentid>{1000 + i}</agentid><qid>{2000 + i % 50}</qid><level>{i % 100}</level></priority>"
        for i in range(n)
    )
    return (
        f'<?xml version="1.0" encoding="ISO-8859-1"?><result><success>1</success><total>{n}</total>'
        f"<list>{rows}</list></result>"
    ).encode("latin-1")


def baseline_json(body: bytes) -> list[Assignment]:
    doc = json.loads(body)
    if doc.get("success") is not True:
        raise ValueError("failure")
    return [Assignment(int(r["agentid"]), int(r["qid"]), int(r["level"])) for r in doc["list"]]


def baseline_xml(body: bytes) -> list[Assignment]:
    root = ET.fromstring(body)
    if root.findtext("success") != "1":
        raise ValueError("failure")
    return [
        Assignment(int(p.findtext("agentid") or 0), int(p.findtext("qid") or 0), int(p.findtext("level") or 0))
        for p in root.iter("priority")
    ]


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    print(f"Python {sys.version.split()[0]}; best of several runs; ratios = baseline time / contactnow time\n")
    jb, xb = json_body(N), xml_body(N)
    assert len(core.parse_response("priority.read", 200, "application/json", jb)) == N
    assert len(core.parse_response("priority.read", 200, "text/xml", xb, format="xml")) == N
    assert len(baseline_json(jb)) == N and len(baseline_xml(xb)) == N

    cn_json = best(lambda: core.parse_response("priority.read", 200, "application/json", jb), 7)
    py_json = best(lambda: baseline_json(jb), 7)
    cn_xml = best(lambda: core.parse_response("priority.read", 200, "text/xml", xb, format="xml"), 5)
    py_xml = best(lambda: baseline_xml(xb), 5)
    print(f"parse {N} records, JSON ({len(jb) / 1e6:.1f} MB):")
    print(f"  contactnow          {cn_json * 1e3:8.1f} ms")
    print(f"  json + dataclasses  {py_json * 1e3:8.1f} ms   ratio {py_json / cn_json:5.2f}x  (goal >= 1.5x)")
    print(f"parse {N} records, XML ({len(xb) / 1e6:.1f} MB):")
    print(f"  contactnow          {cn_xml * 1e3:8.1f} ms")
    print(f"  ElementTree + dc    {py_xml * 1e3:8.1f} ms   ratio {py_xml / cn_xml:5.2f}x  (goal >= 5x)")

    import urllib3

    with Sandbox() as sandbox:
        with Client(token=sandbox.token, base_url=sandbox.url) as client:
            client.priority.create([{"agent_id": 1, "queue_id": 2, "level": 3}])
            url = f"{sandbox.url}/database.php"
            fields = {"token": sandbox.token, "method": "priority", "action": "read", "format": "json", "raw": "1"}
            pool = urllib3.PoolManager()

            def via_urllib3() -> list[Assignment]:
                resp = pool.request("GET", url, fields=fields)
                if resp.status != 200:
                    raise RuntimeError(resp.status)
                return baseline_json(resp.data)

            assert via_urllib3() == [Assignment(1, 2, 3)]
            rounds = 2000

            def loop(fn: Callable[[], Any]) -> float:
                start = time.perf_counter()
                for _ in range(rounds):
                    fn()
                return rounds / (time.perf_counter() - start)

            for _ in range(200):  # warm up both pools
                client.priority.read()
                via_urllib3()
            cn_rt = statistics.median(loop(client.priority.read) for _ in range(3))
            py_rt = statistics.median(loop(via_urllib3) for _ in range(3))
    print("round trips against the in-process sandbox (priority.read, 1 record, keep-alive):")
    print(f"  contactnow.Client   {cn_rt:8.0f} /s")
    print(f"  urllib3 + json      {py_rt:8.0f} /s   ratio {cn_rt / py_rt:5.2f}x  (goal >= 2x)")


if __name__ == "__main__":
    main()
