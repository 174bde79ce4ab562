"""Capturing the monitor's EMF output while other threads print."""

import subprocess
import sys
import textwrap
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

RACE = textwrap.dedent(
    """
    import sys, threading, time
    from local.monitoring import capture_emf

    stop = time.monotonic() + 3

    def capture_loop():
        while time.monotonic() < stop:
            capture_emf(lambda: None)

    def print_loop():
        while time.monotonic() < stop:
            print("x" * 50, flush=True)

    threads = [threading.Thread(target=capture_loop), threading.Thread(target=print_loop)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("finished", file=sys.stderr)
    """
)


def test_capture_survives_concurrent_print():
    # In a child process, because a stdout freed while another thread prints crashes the interpreter.
    result = subprocess.run(
        [sys.executable, "-c", RACE], cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr.strip().endswith("finished")
