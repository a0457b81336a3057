"""The grader's reruns of the agent's train.py, run inside the sandbox (stdlib only).

Usage: python rerun.py SEED EPOCHS STOP_AFTER  ->  writes .grader/report.json

Four runs in two lanes, one per core (each run pays ~3.5 s of torch start-up, so this is
most of the grader's time):
  a: --seed S            b: --seed S again                 (same seed twice)
  c: --seed S --stop-after-epoch K  ->  d: --resume c, no --seed (pre-empted, finished)
d gets no --seed: its state must come from c's checkpoint, so a "resume" that quietly
retrains from scratch cannot match a.
The report holds each run's exit code, time and stderr tail, and a hash of each
weights.pt. torch.save writes a zip archive whose data.pkl holds the tensor names, dtypes
and shapes and whose data/N records hold the raw bytes; hashing those records identifies
the weights without unpickling anything (the archive's top folder name is cosmetic, and
.data/serialization_id is bookkeeping, so both are left out).
"""

import hashlib
import json
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(".grader")
RUN_TIMEOUT = 60


def weights_hash(path: Path) -> str:
    if not path.is_file() or path.is_symlink():
        return "missing"
    try:
        with zipfile.ZipFile(path) as archive:
            digest = hashlib.sha256()
            records = {i.filename.partition("/")[2]: i for i in archive.infolist()}
            for name in sorted(records):
                if name and not name.endswith("serialization_id"):
                    digest.update(name.encode() + b"\0" + archive.read(records[name]) + b"\0")
            return digest.hexdigest()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "not a torch.save archive"


def run(name: str, args: list[str], report: dict) -> bool:
    start = time.monotonic()
    command = [sys.executable, "train.py", *args, "--out", str(ROOT / name)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        code, err = done.returncode, done.stderr
    except subprocess.TimeoutExpired:
        code, err = "timeout", f"no exit within {RUN_TIMEOUT} s"
    report[name] = {
        "command": " ".join(["python", *command[1:]]),
        "exit_code": code,
        "seconds": round(time.monotonic() - start, 2),
        "stderr_tail": (err or "")[-600:],
        "weights_sha256": weights_hash(ROOT / name / "weights.pt"),
    }
    return code == 0


def main() -> None:
    seed, epochs, stop = sys.argv[1:4]
    common = ["--seed", seed, "--epochs", epochs]
    report: dict = {}

    def lane_same_seed() -> None:
        run("a", common, report)
        run("b", common, report)

    def lane_resume() -> None:
        if run("c", [*common, "--stop-after-epoch", stop], report):
            run("d", ["--epochs", epochs, "--resume", str(ROOT / "c")], report)

    lanes = [threading.Thread(target=lane) for lane in (lane_same_seed, lane_resume)]
    for lane in lanes:
        lane.start()
    for lane in lanes:
        lane.join()
    (ROOT / "report.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
