"""Per-thread recording and training flags (as MXNet keeps them)."""
import threading


class _State(threading.local):
    def __init__(self):
        self.recording = False
        self.training = False
        self.anomaly = False


state = _State()
