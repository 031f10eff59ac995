"""This process's memory as Linux reports it, for the memory-measuring children (W5, MEM).
Standard library only."""
import ctypes
import ctypes.util


def status_mb(field):
    """``field`` of ``/proc/self/status`` (VmRSS, VmHWM) in MB; None where it is absent."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return None


def reset_peak():
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def malloc_trim():
    """glibc's ``malloc_trim(0)``: give freed heap pages back to the OS; False where there
    is no glibc."""
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
        return True
    except (OSError, AttributeError):
        return False
