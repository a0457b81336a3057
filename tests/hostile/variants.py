"""The ways an agent's deliverable can be broken or weaponised, one `Variant` each.

A variant replaces one deliverable of a finished workspace (the oracle's) in place. Each
applies to some kinds of file (`kind_of`): every file, or only CSV, JSON or script files,
where it keeps the file's shape (the header, the keys) and breaks what lies inside, which
is what reaches a grader's arithmetic. Destroying variants (junk, empty, a folder, a link,
a FIFO) leave nothing gradable: such a workspace must not pass. Link variants point at
files a grader must never read; `Plant.watched` lists host files whose access time the
test checks afterwards (reading them moves it: the targets' atime is set days back).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import random
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPARSE_BYTES = 1 << 30  # apparent size of the sparse variant: holes cost no disk
JUNK_BYTES = 64 * 1024
LONG_CELLS_BYTES = 8 << 20  # total size of the long-string cells of a CSV variant
HUGE_INT = 10**400  # parses as a Python int; float() of it overflows
SHADOW = Path("/etc/shadow")


def kind_of(rel: str) -> str:
    """csv, json, python, shell or other: which variants apply to a deliverable."""
    suffix = Path(rel).suffix
    return {".csv": "csv", ".json": "json", ".py": "python", ".sh": "shell"}.get(suffix, "other")


@dataclass
class Plant:
    """Where to plant a variant and what it may use."""

    path: Path  # the deliverable in the variant's workspace (holds the oracle's bytes)
    original: bytes  # the oracle's bytes
    hidden: Path  # the instance's hidden folder: never readable by the agent's code
    host: Path  # a host folder outside every sandbox, for link targets
    watched: list[Path] = field(default_factory=list)  # host files grading must not read

    def write(self, data: bytes | str) -> None:
        self.path.unlink()
        if isinstance(data, str):
            data = data.encode()
        self.path.write_bytes(data)

    def link(self, target: str | Path) -> None:
        self.path.unlink()
        os.symlink(target, self.path)

    def host_copy(self) -> Path:
        """The oracle's own file, outside the workspace: a grader that follows a link to
        it would read a passing deliverable. Its atime is set back, then watched."""
        target = self.host / f"{self.path.name}.target"
        target.write_bytes(self.original)
        past = time.time() - 3 * 86400
        os.utime(target, (past, target.stat().st_mtime))
        self.watched.append(target)
        return target


@dataclass(frozen=True)
class Variant:
    name: str
    kinds: frozenset[str]  # kinds of deliverable it applies to; empty: every file
    # (NESTED: every file below a folder, for variants that replace the folder)
    plant: Callable[[Plant], None]
    destroys: bool = False  # nothing gradable is left: the grade must not pass
    slow: bool = False  # may run agent code until a timeout (full matrix only)

    def applies(self, rel: str) -> bool:
        if self.kinds == NESTED:
            return "/" in rel
        return not self.kinds or kind_of(rel) in self.kinds


# ---- any file


def _junk(p: Plant) -> None:
    p.write(random.Random(f"junk:{p.path.name}").randbytes(JUNK_BYTES))


def _invalid_utf8(p: Plant) -> None:
    """The oracle's bytes with invalid UTF-8 at the start of the line after the middle,
    so a header, a first key or a first statement is left intact."""
    middle = p.original.find(b"\n", len(p.original) // 2) + 1
    p.write(p.original[:middle] + b"\xff\xfe\xc3\x28" + p.original[middle:])


def _truncated(p: Plant) -> None:
    p.write(p.original[: len(p.original) // 2])


def _directory(p: Plant) -> None:
    p.path.unlink()
    p.path.mkdir()
    (p.path / "inner.txt").write_text("a folder where a file belongs\n")


def _fifo(p: Plant) -> None:
    p.path.unlink()
    os.mkfifo(p.path)


def _sparse(p: Plant) -> None:
    """The oracle's bytes, then holes up to SPARSE_BYTES: free on disk, huge to read."""
    with p.path.open("r+b") as handle:
        handle.truncate(SPARSE_BYTES)


def _link_host(p: Plant) -> None:
    p.link(p.host_copy())


def _link_relative(p: Plant) -> None:
    """A relative link climbing out of the workspace to a passing copy on the host."""
    p.link(os.path.relpath(p.host_copy(), p.path.parent))


def _link_shadow(p: Plant) -> None:
    p.link(SHADOW)


def _link_hidden_file(p: Plant) -> None:
    """A link to the hidden answers (the first hidden file: labels, truth)."""
    p.link(min(f for f in p.hidden.rglob("*") if f.is_file()))


def _link_hidden_dir(p: Plant) -> None:
    p.link(p.hidden)


def _link_loop(p: Plant) -> None:
    p.link(p.path.name)


def _link_parent(p: Plant) -> None:
    """The folder holding the deliverable replaced by a link to a host copy of it, the
    oracle's file inside: a grader that follows the folder link reads a passing file."""
    folder = p.path.parent
    target = p.host / f"{folder.name}.target"
    subprocess.run(["cp", "-a", "--", str(folder), str(target)], check=True)
    (target / p.path.name).write_bytes(p.original)
    past = time.time() - 3 * 86400
    os.utime(target / p.path.name, (past, (target / p.path.name).stat().st_mtime))
    p.watched.append(target / p.path.name)
    subprocess.run(["rm", "-rf", "--", str(folder)], check=True)
    os.symlink(target, folder)


# ---- CSV: the oracle's header, hostile cells


def _rows(p: Plant) -> list[list[str]]:
    return list(csv.reader(io.StringIO(p.original.decode())))


def _write_rows(p: Plant, rows: list[list[Any]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    p.write(out.getvalue())


def _cells(make: Callable[[int, str], str]) -> Callable[[Plant], None]:
    """Every cell but the first column (usually the id) replaced by make(row, cell)."""

    def plant(p: Plant) -> None:
        header, *body = _rows(p)
        _write_rows(
            p, [header, *([r[0], *(make(i, c) for c in r[1:])] for i, r in enumerate(body))]
        )

    return plant


def _long_cells(p: Plant) -> None:
    header, *body = _rows(p)
    cells = max(1, sum(len(r) - 1 for r in body))
    length = max(64, min(100_000, LONG_CELLS_BYTES // cells))
    _write_rows(p, [header, *([r[0], *("x" * length for _ in r[1:])] for r in body)])


def _duplicate_ids(p: Plant) -> None:
    """Same row count, the last row replaced by a copy of the first."""
    header, *body = _rows(p)
    _write_rows(p, [header, *body[:-1], body[0]])


def _extra_columns(p: Plant) -> None:
    """Two more columns: text, and the first column's name again."""
    header, *body = _rows(p)
    _write_rows(p, [[*header, "extra", header[0]], *([*r, "junk", "zzz"] for r in body)])


def _header_only(p: Plant) -> None:
    _write_rows(p, _rows(p)[:1])


def _blank_ids(p: Plant) -> None:
    header, *body = _rows(p)
    _write_rows(p, [header, *(["", *r[1:]] for r in body)])


def _mixed_types(p: Plant) -> None:
    words = ("yes", "[1, 2]", "True", "1,5", "0x1F", "")
    _cells(lambda i, _: words[i % len(words)])(p)


# ---- JSON: the oracle's keys, hostile values


def _leaves(value: Any, make: Callable[[Any], Any]) -> Any:
    if isinstance(value, dict):
        return {k: _leaves(v, make) for k, v in value.items()}
    if isinstance(value, list):
        return [_leaves(v, make) for v in value]
    return make(value)


def _json(make: Callable[[Any], Any]) -> Callable[[Plant], None]:
    def plant(p: Plant) -> None:
        p.write(json.dumps(_leaves(json.loads(p.original), make)))

    return plant


def _numbers(replacement: Any) -> Callable[[Any], Any]:
    """Numbers replaced, booleans and text kept: the shape a grader checks first stays."""

    def make(value: Any) -> Any:
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        return replacement if numeric else value

    return make


def _json_top_list(p: Plant) -> None:
    p.write(json.dumps([json.loads(p.original)]))


def _json_deep(p: Plant) -> None:
    p.write("[" * 200_000)


# ---- scripts the grader may run: hostile programs in the script's language

PYTHON = {
    "plausible": (
        "import sys\n"
        "print('loaded model.joblib; wrote predictions.csv (1000 rows)')\n"
        "print('validation roc_auc=0.991 average_precision=0.987')\n"
        'print(\'{"status": "ok", "score": 1.0}\')\n'
        "sys.exit(0)\n"
    ),
    "sleeps": "import time\nprint('training...', flush=True)\ntime.sleep(100000)\n",
    "forks": (
        "import os, time\n"
        "started = 0\n"
        "while started < 2000:\n"
        "    try:\n"
        "        pid = os.fork()\n"
        "    except OSError:\n"
        "        break\n"
        "    if pid == 0:\n"
        "        os.setsid()\n"
        "        for fd in (0, 1, 2):\n"
        "            os.close(fd)\n"
        "        time.sleep(100000)\n"
        "        os._exit(0)\n"
        "    started += 1\n"
        "print(f'started {started} workers', flush=True)\n"
    ),
    "fills_disk": (
        "written = 0\n"
        "for n in range(8):\n"
        "    try:\n"
        "        with open(f'fill{n}.bin', 'wb') as out:\n"
        "            for _ in range(1024):\n"
        "                out.write(bytes(1 << 20))\n"
        "                written += 1\n"
        "    except OSError as exc:\n"
        "        print('stopped:', exc, flush=True)\n"
        "print(f'wrote {written} MiB', flush=True)\n"
    ),
    "closes_stdout": "import os\nos.close(1)\nos.close(2)\nos._exit(0)\n",
    "floods_stdout": (
        "import sys\nline = b'y' * 65535 + b'\\n'\nfor _ in range(16384):\n"
        "    sys.stdout.buffer.write(line)\n"
    ),
}
SHELL = {
    "plausible": "echo 'rolled back to the previous version'\necho 'done: 0 errors'\nexit 0\n",
    "sleeps": "echo working\nsleep 100000\n",
    "forks": (
        "for i in $(seq 2000); do (setsid sleep 100000 </dev/null >/dev/null 2>&1 &) "
        "|| break; done\necho started\nexit 0\n"
    ),
    "fills_disk": "for n in 1 2 3 4 5 6 7 8; do head -c 1G /dev/zero > fill$n.bin; done\nexit 0\n",
    "closes_stdout": "exec 1>&- 2>&-\nexit 0\n",
    "floods_stdout": "yes | head -c 1G\nexit 0\n",
}


def _program(behaviour: str) -> Callable[[Plant], None]:
    def plant(p: Plant) -> None:
        source = SHELL if kind_of(p.path.name) == "shell" else PYTHON
        p.write(source[behaviour])

    return plant


# A server for any `--port N` that answers every request 200 with numbers no float holds,
# one prediction per row it was sent; without --port, such numbers printed as a result.
HOSTILE_SERVER = """\
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HUGE = 10**400


def rows_in(body):
    try:
        doc = json.loads(body or b"[0]")
    except ValueError:
        return 1
    if isinstance(doc, dict):
        doc = next((v for v in doc.values() if isinstance(v, list)), [0])
    return len(doc) if isinstance(doc, list) else 1


class Handler(BaseHTTPRequestHandler):
    def answer(self):
        size = int(self.headers.get("Content-Length") or 0)
        rows = rows_in(self.rfile.read(size) if size else b"")
        prediction = {"probability": HUGE, "label": HUGE, "score": HUGE, "prediction": HUGE}
        doc = {"status": "ok", "predictions": [prediction] * rows, "error": HUGE}
        data = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = answer

    def log_message(self, *args):
        pass


if "--port" in sys.argv:
    port = int(sys.argv[sys.argv.index("--port") + 1])
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
print(json.dumps({"status": "ok", "score": HUGE, "accuracy": HUGE, "rows": HUGE}))
"""

# Rewrites, at exit, the CSV and JSON files written since `since` below the working folder
# with the right shape and extreme values: JSON numbers become integers no float holds, CSV
# cells (all but the first column) +-1e308, finite numbers whose sums overflow.
EXTREME_OUTPUTS = """\
import csv as _csv, io as _io, json as _json, os as _os


def _extreme(value):
    if isinstance(value, dict):
        return {k: _extreme(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_extreme(v) for v in value]
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    return 10**400 if numeric else value


def _rewrite(path):
    if path.endswith(".json"):
        with open(path) as handle:
            return _json.dumps(_extreme(_json.load(handle)))
    with open(path, newline="") as handle:
        header, *rows = list(_csv.reader(handle))
    out = _io.StringIO()
    writer = _csv.writer(out)
    writer.writerow(header)
    for i, row in enumerate(rows):
        writer.writerow([row[0], *(("1e308", "-1e308")[i % 2] for _ in row[1:])])
    return out.getvalue()


def _corrupt_outputs(since):
    for folder, _, names in _os.walk("."):
        for name in names:
            path = _os.path.join(folder, name)
            try:
                info = _os.lstat(path)
                fresh = info.st_mtime >= since and info.st_size < 50 << 20
                if fresh and _os.path.isfile(path) and name.endswith((".csv", ".json")):
                    text = _rewrite(path)
                    with open(path, "w") as handle:
                        handle.write(text)
            except Exception:
                pass
"""


# Archives a checkpoint reader (zipfile) fails on in ways other than BadZipFile: every
# member flagged encrypted (RuntimeError), stored with an unknown method (NotImplementedError)
# or deflated data that is not deflate (zlib.error). Member names are the original
# archive's (a torch checkpoint's archive/data.pkl...), so a reader gets as far as reading.
HOSTILE_ZIP = """\
import io as _zio, zipfile as _zipfile


def _member_names(data):
    try:
        with _zipfile.ZipFile(_zio.BytesIO(data)) as archive:
            return [m.filename for m in archive.infolist()] or ["archive/data.pkl"]
    except Exception:
        return ["archive/data.pkl"]


def _patch(data, local, central, value):
    # (flags or method) fields at the given offsets of every local and central header
    out = bytearray(data)
    for signature, offset in ((b"PK\\x03\\x04", local), (b"PK\\x01\\x02", central)):
        at = out.find(signature)
        while at >= 0:
            out[at + offset : at + offset + 2] = value(out[at + offset : at + offset + 2])
            at = out.find(signature, at + 4)
    return bytes(out)


def hostile_zip(original, hazard):
    buffer = _zio.BytesIO()
    method = _zipfile.ZIP_DEFLATED if hazard == "corrupt" else _zipfile.ZIP_STORED
    with _zipfile.ZipFile(buffer, "w", method) as archive:
        for name in _member_names(original):
            archive.writestr(name, b"hostile member " * 64)
    data = buffer.getvalue()
    if hazard == "encrypted":
        return _patch(data, 6, 8, lambda f: bytes([f[0] | 1, f[1]]))
    if hazard == "unsupported":
        return _patch(data, 8, 10, lambda f: (99).to_bytes(2, "little"))
    at = data.find(b"PK\\x03\\x04")  # corrupt: the first member's data, after its header
    start = at + 30 + int.from_bytes(data[at + 26 : at + 28], "little")
    start += int.from_bytes(data[at + 28 : at + 30], "little")
    return data[:start] + b"\\xff" * 16 + data[start + 16 :]
"""
_ZIP: dict[str, Any] = {}
exec(compile(HOSTILE_ZIP, "HOSTILE_ZIP", "exec"), _ZIP)
hostile_zip: Callable[[bytes, str], bytes] = _ZIP["hostile_zip"]
ARCHIVE_SUFFIXES = (".pt", ".pth", ".ckpt", ".zip", ".joblib", ".pkl", ".bin", ".npz")

# Rewrites, at exit, every model file below the working folder as a hostile archive: a
# predict.py wrapped so runs as the oracle's, then leaves a checkpoint a grader reads next.
HOSTILE_OUTPUT_ARCHIVES = (
    HOSTILE_ZIP
    + """
import os as _os


def _corrupt_outputs(since):
    for folder, _, names in _os.walk("."):
        for name in names:
            path = _os.path.join(folder, name)
            try:
                info = _os.lstat(path)
                small = info.st_size < 200 << 20  # every model file, fresh or not
                if small and _os.path.isfile(path) and name.endswith(SUFFIXES):
                    with open(path, "rb") as handle:
                        data = hostile_zip(handle.read(), "encrypted")
                    with open(path, "wb") as handle:
                        handle.write(data)
            except Exception:
                pass
""".replace("SUFFIXES", repr(ARCHIVE_SUFFIXES))
)


def _wrapped(post: str) -> Callable[[Plant], None]:
    """The oracle's own script, kept under a hidden name and run by a wrapper that then
    rewrites what it wrote with `post`'s _corrupt_outputs: the right files, hostile content."""

    def plant(p: Plant) -> None:
        original = f".orig_{p.path.name}"
        (p.path.parent / original).write_bytes(p.original)
        if kind_of(p.path.name) == "shell":
            p.write(
                'since=$(date +%s.%N)\nbash "$(dirname "$0")/' + original + '" "$@"\ncode=$?\n'
                "python - \"$since\" <<'PY'\nimport sys\n"
                + post
                + "_corrupt_outputs(float(sys.argv[1]))\nPY\nexit $code\n"
            )
            return
        p.write(
            "import atexit as _atexit, os as _os0, time as _time\n"
            "_since = _time.time()\n" + post + "_atexit.register(_corrupt_outputs, _since)\n"
            "__file__ = _os0.path.join(_os0.path.dirname(_os0.path.abspath(__file__)),"
            f" {original!r})\n"
            "exec(compile(open(__file__).read(), __file__, 'exec'))\n"
        )

    return plant


def _archive(hazard: str) -> Callable[[Plant], None]:
    return lambda p: p.write(hostile_zip(p.original, hazard))


ANY: frozenset[str] = frozenset()
NESTED = frozenset({"nested"})
CSV, JSON = frozenset({"csv"}), frozenset({"json"})
SCRIPT = frozenset({"python", "shell"})
MODEL = frozenset({"other"})  # model files and any other binary deliverable

VARIANTS: tuple[Variant, ...] = (
    Variant("junk", ANY, _junk, destroys=True),
    Variant("empty", ANY, lambda p: p.write(b""), destroys=True),
    Variant("invalid_utf8", ANY, _invalid_utf8),
    Variant("truncated", ANY, _truncated),
    Variant("directory", ANY, _directory, destroys=True),
    Variant("fifo", ANY, _fifo, destroys=True),
    Variant("sparse_1g", ANY, _sparse),
    Variant("link_host", ANY, _link_host, destroys=True),
    Variant("link_relative", ANY, _link_relative, destroys=True),
    Variant("link_shadow", ANY, _link_shadow, destroys=True),
    Variant("link_hidden_file", ANY, _link_hidden_file, destroys=True),
    Variant("link_hidden_dir", ANY, _link_hidden_dir, destroys=True),
    Variant("link_loop", ANY, _link_loop, destroys=True),
    Variant("link_parent", NESTED, _link_parent, destroys=True),
    Variant("csv_nan", CSV, _cells(lambda i, _: "nan")),
    Variant("csv_inf", CSV, _cells(lambda i, _: ("inf", "-inf")[i % 2])),
    Variant("csv_huge_negative", CSV, _cells(lambda i, _: "-1e308")),
    Variant("csv_overflow", CSV, _cells(lambda i, _: "1e999")),
    Variant("csv_long_strings", CSV, _long_cells),
    Variant("csv_mixed_types", CSV, _mixed_types),
    Variant("csv_duplicate_ids", CSV, _duplicate_ids),
    Variant("csv_blank_ids", CSV, _blank_ids),
    Variant("csv_extra_columns", CSV, _extra_columns),
    Variant("csv_header_only", CSV, _header_only),
    Variant("json_strings", JSON, _json(str)),
    Variant("json_text", JSON, _json(lambda v: "not a value")),
    Variant("json_nulls", JSON, _json(lambda v: None)),
    Variant("json_nested_lists", JSON, _json(lambda v: [[[v]]])),
    Variant("json_huge_ints", JSON, _json(lambda v: HUGE_INT)),
    Variant("json_booleans", JSON, _json(lambda v: True)),
    Variant("json_nan", JSON, _json(lambda v: math.nan)),
    Variant("json_numbers_nan", JSON, _json(_numbers(math.nan))),
    Variant("json_numbers_huge", JSON, _json(_numbers(HUGE_INT))),
    Variant("json_infinity", JSON, _json(lambda v: math.inf)),
    Variant("json_top_list", JSON, _json_top_list),
    Variant("json_deep", JSON, _json_deep),
    Variant("script_plausible", SCRIPT, _program("plausible")),
    Variant("script_sleeps", SCRIPT, _program("sleeps"), slow=True),
    Variant("script_forks", SCRIPT, _program("forks"), slow=True),
    Variant("script_fills_disk", SCRIPT, _program("fills_disk"), slow=True),
    Variant("script_closes_stdout", SCRIPT, _program("closes_stdout")),
    Variant("script_hostile_server", frozenset({"python"}), lambda p: p.write(HOSTILE_SERVER)),
    Variant("script_extreme_outputs", SCRIPT, _wrapped(EXTREME_OUTPUTS)),
    Variant("script_hostile_archives", SCRIPT, _wrapped(HOSTILE_OUTPUT_ARCHIVES)),
    Variant("archive_encrypted", MODEL, _archive("encrypted")),
    Variant("archive_unsupported", MODEL, _archive("unsupported")),
    Variant("archive_corrupt", MODEL, _archive("corrupt")),
    Variant("script_floods_stdout", SCRIPT, _program("floods_stdout"), slow=True),
)
BY_NAME = {v.name: v for v in VARIANTS}
