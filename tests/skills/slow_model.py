"""A picklable model that takes its time: lets serve.py's timeout and load shedding be tested
with a real subprocess (the server imports this module through PYTHONPATH)."""

import time

import numpy as np


class SlowModel:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def predict(self, frame):
        if len(frame) > 1:  # the one-row warm-up stays fast
            time.sleep(self.seconds)
        return np.zeros(len(frame))
