"""Report generation for a 1,000-trial run: time per format, HTML size, and browser load time.

Synthesises 50 tasks × 2 arms × 10 epochs with anthropic-style transcripts (a 7 KB system
prompt, --turns tool calls of --output-chars each, log-like text), then times
`build_report` and each renderer, the whole `mlskills report --format html` command, and
(when Playwright and chromium are present) opening the page and one trial's drill-down.

    python benchmarks/report_1000.py [--turns 20] [--output-chars 2000] [--hex]
                                     [--transcript-kb 32] [--json]

Writes benchmarks/results/report_1000.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.synthetic_run import Spec, synthesise

from mlskills.report import Budget, build_report, render

RESULTS = Path(__file__).resolve().parent / "results" / "report_1000.json"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


CPU: dict[str, float] = {}  # CPU seconds per step: robust when other work shares the machine


def timed(fn: Callable[..., Any], *args: Any, name: str = "") -> tuple[Any, float]:
    start, cpu = time.perf_counter(), time.process_time()
    value = fn(*args)
    if name:
        CPU[name] = round(time.process_time() - cpu, 2)
    return value, time.perf_counter() - start


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def cli_seconds(path: Path, out: Path, kb: int) -> float:
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "mlskills", "report", str(path), "--out", str(out)]
    cmd += ["--transcript-kb", str(kb)]
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def browser_seconds(page_file: Path) -> dict[str, float] | None:
    """Time to a ready page (list rendered) and to one trial's transcript on screen."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(CHROMIUM).exists():
        return None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        start = time.perf_counter()
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        ready = time.perf_counter() - start
        start = time.perf_counter()
        page.click("#trial-rows tr >> nth=150")
        page.wait_for_selector("#transcript")
        drill = time.perf_counter() - start
        browser.close()
    return {"page_ready_s": round(ready, 2), "open_trial_s": round(drill, 3)}


def measure(args: argparse.Namespace, root: Path) -> dict[str, object]:
    spec = Spec(tasks=50, epochs=10, turns=args.turns, output_chars=args.output_chars,
                words=not args.hex, errors=0.02)  # fmt: skip
    path, synth = timed(synthesise, root, spec)
    report, build = timed(build_report, path, name="build_report")
    result: dict[str, object] = {
        "trials": len(report.trials),
        "run_folder_mb": round(folder_size(path) / 1e6, 1),
        "synthesise_s": round(synth, 1),
        "build_report_s": round(build, 2),
    }
    budget = Budget(trial_chars=args.transcript_kb * 1000)
    for fmt in ("table", "md", "json", "html"):
        text, seconds = timed(render, report, fmt, budget, name=f"render_{fmt}")
        result[f"render_{fmt}_s"] = round(seconds, 2)
        result[f"{fmt}_kb"] = round(len(text.encode()) / 1024)
    page = root / "report.html"
    result["cli_html_s"] = round(cli_seconds(path, page, args.transcript_kb), 2)
    result["html_mb"] = round(page.stat().st_size / 1e6, 2)
    result["browser"] = browser_seconds(page)
    result["cpu_s"] = dict(CPU)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--output-chars", type=int, default=2000)
    parser.add_argument("--hex", action="store_true", help="random hex output (compresses worst)")
    parser.add_argument("--transcript-kb", type=int, default=32, help="as for mlskills report")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = {"settings": vars(args), **measure(args, Path(tmp))}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"| {key} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
