"""Redaction of secrets: literal, encoded (base64 at every alignment, hex, URL), reversed,
and pieces of 12+ characters, in the Redactor and through a real trial's files."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import quote

import pytest

from mlskills.redaction import REDACTED, Redactor, secret_forms
from mlskills.runner import RunConfig, start_run

SECRET = "sk-canary-XYZ-7f3a9c2e41/+?&="  # URL-special and base64-sensitive characters


def encodings_in_context(secret: str) -> dict[str, str]:
    """What a script might print: each encoding of the secret inside a longer stream."""
    raw = secret.encode()
    found = {
        "hex": binascii.hexlify(b"pre" + raw + b"post").decode(),
        "HEX": binascii.hexlify(raw).decode().upper(),
        "url": "https://x.test/?k=" + quote(secret, safe="") + "&next=1",
        "reversed": "tail " + secret[::-1] + " head",
        "piece": "prefix " + secret[3:17] + " suffix",
    }
    for offset in range(3):
        wrapped = b"ab"[:offset] + raw + b"trailing bytes"
        found[f"b64-{offset}"] = base64.b64encode(wrapped).decode()
        found[f"b64url-{offset}"] = base64.urlsafe_b64encode(b"Z" * offset + raw).decode()
        found[f"b64-nopad-{offset}"] = base64.b64encode(b"Q" * offset + raw).decode().rstrip("=")
    return found


@pytest.mark.parametrize("name", sorted(encodings_in_context(SECRET)))
def test_every_form_of_the_secret_is_redacted(name):
    text = encodings_in_context(SECRET)[name]
    clean = Redactor((SECRET,)).redact(f"before {text} after")
    assert REDACTED in clean
    assert not any(form in clean for form in secret_forms(SECRET))
    for i in range(len(SECRET) - 11):  # no 12-character piece survives either
        assert SECRET[i : i + 12] not in clean


def test_ordinary_text_and_short_pieces_are_left_alone():
    redactor = Redactor((SECRET,))
    text = "sk-canary- is a prefix; 7f3a9c2e41 alone is 10 characters; hello world"
    assert redactor.redact(text) == text
    assert Redactor(("short",)).redact("short stays") == "short stays"  # < 8 characters


def test_overlapping_pieces_become_one_marker():
    redactor = Redactor((SECRET,))
    assert redactor.redact(f"x{SECRET}y") == f"x{REDACTED}y"
    assert redactor.redact(f"{SECRET[:14]}|{SECRET[-14:]}") == f"{REDACTED}|{REDACTED}"


def test_a_trial_that_prints_encoded_secrets_leaves_none_in_the_run(
    tmp_path, fixture_evals, monkeypatch
):
    """The command agent is given the value and prints it in every form, to stdout, stderr
    and a file the grader sees; nothing the harness writes may hold any form of it."""
    monkeypatch.setenv("MYCRED", SECRET)
    script = (
        "import base64, binascii, os, sys, urllib.parse\n"
        "v = os.environ['MYCRED'].encode()\n"
        "for pre in (b'', b'a', b'ab'):\n"
        "    print(base64.b64encode(pre + v), base64.urlsafe_b64encode(pre + v))\n"
        "print(binascii.hexlify(v).decode(), urllib.parse.quote(v, safe=''), v.decode()[::-1])\n"
        "print('piece', v.decode()[2:16], file=sys.stderr)\n"
        "print('failing with', base64.b64encode(b'x' + v).decode(), file=sys.stderr)\n"
        "sys.exit(127)  # the agent's own failure: graded, its stderr kept in agent.log\n"
    )
    (tmp_path / "leak.py").write_text(script)
    config = RunConfig(
        agent="command",
        task_ids=["double"],
        sandbox="local",
        evals=str(fixture_evals),
        cache_dir=str(tmp_path / "cache"),
        agent_options={"command": f"python3 {tmp_path / 'leak.py'}", "pass_env": ["MYCRED"]},
    )
    outcome = start_run(config, tmp_path / "runs")
    [record] = outcome.records
    assert record.status == "completed" and record.score == 0.0
    needles = secret_forms(SECRET) | {SECRET[i : i + 12] for i in range(len(SECRET) - 11)}
    files = [p for p in outcome.run.path.rglob("*") if p.is_file()]
    assert any(REDACTED in p.read_text(errors="replace") for p in files)
    for path in files:
        text = path.read_text(errors="replace")
        assert not [n for n in needles if n in text], path
