"""Pages under load: requests per second and tail latency from ``wrk`` on loopback.

The product is served exactly as ``cashmob run`` serves it (granian, WSGI, one process
per core, one blocking thread each), so the figures compare with DESIGN.md's table.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from bench.measure import Report

WRK_LINE = re.compile(r"Requests/sec:\s+([\d.]+)")
LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
#: wrk drops requests slower than its timeout from its latencies: a generous one keeps
#: slow answers in the percentiles, and any that still time out count as errors.
TIMEOUT = "30s"


def _ms(value: str, unit: str) -> str:
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return f"{float(value) * factor:.1f} ms"


def wrk(url: str, *, seconds: int, connections: int) -> dict[str, str]:
    output = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            TIMEOUT,
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    found = WRK_LINE.search(output)
    latencies = {p: _ms(v, u) for p, v, u in LATENCY.findall(output)}
    bad = NON_2XX.search(output)
    sockets = SOCKET_ERRORS.search(output)
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(n) for n in sockets.groups()) if sockets else 0
    return {
        "req_per_s": f"{float(found.group(1)):,.0f}" if found else "?",
        "p50": latencies.get("50", "?"),
        "p99": latencies.get("99", "?"),
        "errors": str(errors),
    }


def bench_http(
    report: Report, *, base: str, paths: dict[str, str], seconds: int, connections: int
) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the page benchmarks: apt-get install wrk")
    for name, path in paths.items():
        report.add(
            name, note=f"`{path}`", **wrk(base + path, seconds=seconds, connections=connections)
        )
