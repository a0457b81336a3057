"""The environment a sandboxed command sees: a small allowlist, never the harness's secrets."""

from __future__ import annotations

import os
import re

# Names that look like credentials are dropped even when a caller passes them in `extra`.
SECRET_PATTERN = re.compile(
    r"(^ANTHROPIC_|_API_KEY$|_TOKEN$|SECRET|PASSWORD|^AWS_|^GOOGLE_APPLICATION|^OPENAI_)",
    re.IGNORECASE,
)
INHERITED = ("PATH", "TZ", "SSL_CERT_FILE", "PIP_FIND_LINKS", "PIP_CONFIG_FILE")
ONE_MATH_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# Settings that match the pattern but are not credentials (paths, regions, endpoints).
NOT_SECRET = re.compile(r"(_CA_BUNDLE|_REGION|_BASE_URL|_ENDPOINT(_URL)?|_PROFILE)$", re.I)


def is_secret(name: str) -> bool:
    return bool(SECRET_PATTERN.search(name)) and not NOT_SECRET.search(name)


def scrubbed_env(home: str, tmp: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A minimal environment: PATH and locale from the host, HOME and TMPDIR of the trial.

    Math libraries get one thread each: trials already run in parallel, and OpenMP's
    spin-waiting turns oversubscription into 10-20x slowdowns (measured: a 3 s
    HistGradientBoosting fit took 66 s with two threads per trial at -j 2). An agent can
    raise it explicitly for its own commands.
    """
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.update(
        HOME=home,
        TMPDIR=tmp,
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        TERM="dumb",
        PYTHONUNBUFFERED="1",
        MPLBACKEND="Agg",
        **ONE_MATH_THREAD,
    )
    for name, value in (extra or {}).items():
        if not is_secret(name):
            env[name] = value
    return env


def one_math_thread_here() -> None:
    """The same one-thread rule for the harness's own numeric work (prepare.py, graders),
    which runs beside the trials: measured at load 4, model-serving's prepare.py took 17 s
    with OpenMP on 2 threads (1,200 small HistGradientBoosting predictions spin-waiting)
    and 1.2 s on one. Call before numpy or scikit-learn loads; a value already set wins."""
    for name, value in ONE_MATH_THREAD.items():
        os.environ.setdefault(name, value)
