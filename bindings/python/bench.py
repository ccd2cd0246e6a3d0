#!/usr/bin/env python3
"""The Python package's speed beside the Rust library's, in one run.

    python3 bindings/python/bench.py              # verify and issue, per call
    python3 bindings/python/bench.py --million    # also 1,000,000 codes issued from Python threads
                                                  # against the `city` example's rate

Runs `cargo bench --bench side_by_side` for the Rust figures and its fixture
(a trust list, a code, a test key), then the same calls through the package:
median time a call over rounds after a warm-up. Timing is not a test:
nothing here fails on a slow machine. Targets: a Python call at most 1.25x
the Rust call; issuing a million codes from Python threads at least 80 % of
the `city` rate.
"""

import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import qrcred

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def measure(f, n=200, rounds=15):
    """Median microseconds a call of f, over rounds of n calls after 1 s of warm-up."""
    start = time.perf_counter()
    while time.perf_counter() - start < 1.0:
        f()
    per = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(n):
            f()
        per.append((time.perf_counter() - t0) * 1e6 / n)
    return statistics.median(per)


def million(issuer, credential, now, threads=2, total=1_000_000, chunk=10_000):
    """Codes a second issued from `threads` Python threads (issue_many releases the GIL)."""
    done = [0] * threads

    def work(i):
        for _ in range(total // threads // chunk):
            done[i] += len(issuer.issue_many([credential] * chunk, timedelta(hours=24), now))

    t0 = time.perf_counter()
    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(done) / (time.perf_counter() - t0)


def city_rate(people):
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "--example", "city", "--", "--people", str(people), "--png-sample", "1"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    return float(re.search(r"issued \d+ code texts in [\d.]+ s: (\d+) per second", out).group(1))


def main():
    cargo = subprocess.run(
        ["cargo", "bench", "--quiet", "--bench", "side_by_side"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    data = json.loads(cargo.stdout.strip().splitlines()[-1])
    fixture, native = data["fixture"], data["native"]
    now = datetime.fromisoformat(fixture["now"].replace("Z", "+00:00")).astimezone(timezone.utc)
    verifier = qrcred.Verifier(trust=fixture["trust"])
    issuer = qrcred.Issuer(qrcred.IssuerKey.from_pem(fixture["issuer_pem"]), "CN-SN-XA")
    credential = fixture["credential"]
    text = fixture["text"]
    assert verifier.verify(text, now=now).kind == "health_status"
    python = {
        "verify_us": measure(lambda: verifier.verify(text, now=now)),
        "issue_us": measure(lambda: issuer.issue(credential, timedelta(hours=24), now)),
    }
    print(f"Python {sys.version.split()[0]}, qrcred {qrcred.__version__}")
    print("| call | Rust | Python | ratio (target ≤ 1.25×) |")
    print("|---|---|---|---|")
    for name, key in [("verify", "verify_us"), ("issue", "issue_us")]:
        print(f"| {name} | {native[key]:.1f} µs | {python[key]:.1f} µs | {python[key] / native[key]:.2f}× |")
    result = {"native": native, "python": python}
    if "--million" in sys.argv:
        rate = million(issuer, credential, now)
        city = city_rate(1_000_000)
        print(f"\n1,000,000 codes from 2 Python threads (issue_many): {rate:,.0f} a second; "
              f"the city example: {city:,.0f} a second: {100 * rate / city:.0f} % (target ≥ 80 %)")
        result["million_per_second"] = rate
        result["city_per_second"] = city
    print(json.dumps(result))


if __name__ == "__main__":
    main()
