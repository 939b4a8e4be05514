"""A vendor double in a process of its own, so it shares no GIL with the server or the load.

Prints its base URL on the first line of stdout, then serves until stdin closes (the parent
exits or closes the pipe) or SIGTERM.

    python -m bench.double_server --vendor openai --delay 1.0
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from bench.postings import job_json
from tests.support.doubles import Reply, VendorDouble


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vendor", default="openai")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds before each answer")
    args = parser.parse_args()
    double = VendorDouble(args.vendor).start()
    double.default = Reply.slow(
        args.delay, then=Reply.ok(job_json(), input_tokens=520, output_tokens=180)
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    print(double.base_url, flush=True)
    done.wait()
    print(f"requests served: {double.request_count}", file=sys.stderr, flush=True)
    double.stop()


if __name__ == "__main__":
    main()
