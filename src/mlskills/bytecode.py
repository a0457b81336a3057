"""Whether the libraries agent code and graders import are compiled to bytecode.

Sandboxes mount the interpreter's library read-only, so Python cannot cache what it
compiles there: a library installed without .pyc files (uv's default, or any install under
PYTHONDONTWRITEBYTECODE) is recompiled from source by every sandboxed process. For torch
that is ~3 s per `import torch` on one core, and a grader that reruns train.py six times
pays it six times. Nothing is wrong with the scores, only the time: so a hint, not a stop.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

HEAVY = ("torch", "pandas", "sklearn", "numpy")  # what the tasks import, slowest first


def uncompiled(modules: tuple[str, ...] = HEAVY) -> list[str]:
    """The installed packages among `modules` whose __init__ has no cached bytecode."""
    missing = []
    for name in modules:
        spec = importlib.util.find_spec(name)  # finds, never imports
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            continue
        if not Path(importlib.util.cache_from_source(spec.origin)).is_file():
            missing.append(name)
    return missing


def hint(modules: tuple[str, ...] = HEAVY) -> str | None:
    """One line for the console when some of `modules` would be recompiled in every sandbox."""
    missing = uncompiled(modules)
    if not missing:
        return None
    return (
        f"hint: {', '.join(missing)} installed without bytecode (uv's default): every "
        "sandboxed Python recompiles them, torch tasks grade ~2x slower; fix once with "
        "`python -m compileall -q -j 0 \"$(python -c 'import sysconfig; "
        'print(sysconfig.get_paths()["purelib"])\')"` or install with '
        "`uv pip install --compile-bytecode`"
    )
