"""How much of the machine other processes are using (the CPU here is shared).

Linux only: total busy time comes from /proc/stat (in 10 ms ticks), this process's own CPU
time (all threads, plus finished children) from os.times(); the difference, divided by the
wall time, is the number of cores that something else kept busy (steal time included).
"""
import os
import time


def _stat_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def snapshot():
    t = os.times()
    try:
        busy = _stat_busy()
    except OSError:
        busy = None
    return (time.perf_counter(), busy, t.user + t.system + t.children_user + t.children_system)


def others_cores(before, after):
    """Cores' worth of CPU used by other processes between two snapshots (None if unknown)."""
    wall = after[0] - before[0]
    if before[1] is None or after[1] is None or wall <= 0:
        return None
    return max(0.0, (after[1] - before[1]) - (after[2] - before[2])) / wall


def others_now(seconds=0.5):
    s0 = snapshot()
    time.sleep(seconds)
    return others_cores(s0, snapshot())


def wait_quiet(max_wait, threshold=0.2, window=1.0):
    """Wait (at most max_wait seconds) until other processes use < threshold cores over a
    window; returns (seconds waited, their last measured use)."""
    t0 = time.perf_counter()
    while True:
        busy = others_now(window)
        waited = time.perf_counter() - t0
        if busy is None or busy < threshold or waited >= max_wait:
            return waited, busy
