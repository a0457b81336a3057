"""Prompt rendering: Jinja2 templates from prompts/, so every prompt is reviewable as text.

Shared by everyone who talks to a model (the anthropic agent, the judge, trigger evals);
which template says what is each caller's business.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from mlskills import paths


@cache
def environment(folder: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **values: object) -> str:
    return environment(paths.prompts_dir()).get_template(template).render(**values).strip()
