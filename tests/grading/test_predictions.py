"""Agents' output files are read defensively: every defect is a failed gate, never a crash."""

from __future__ import annotations

import math
import os

import pytest

from mlskills.grading import http
from mlskills.grading.predictions import MAX_BYTES, finite_number, read_json, read_predictions
from mlskills.grading.scoring import combine
from mlskills.schema import Check, GradingSpec

IDS = ["a", "b", "c"]


def read(tmp_path, text: str | None, kind="probability", name="p.csv"):
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    return read_predictions(path, tmp_path, id_column="id", columns={"p": kind}, expected_ids=IDS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "p.csv not found"),
        ("", "p.csv is empty"),
        ("id,q\na,1\nb,1\nc,1\n", "lacks columns ['p']"),
        ("id,p\na,0.1\nb,nan\nc,0.3\n", "1 missing, non-numeric or infinite"),
        ("id,p\na,0.1\nb,inf\nc,0.3\n", "1 missing, non-numeric or infinite"),
        ("id,p\na,0.1\nb,high\nc,0.3\n", "1 missing, non-numeric or infinite"),
        ("id,p\na,0.1\na,0.2\nc,0.3\n", "duplicate ids"),
        ("id,p\na,0.1\nb,0.2\n", "has 2 rows; expected 3 (1 expected ids missing, 0 unknown"),
        ("id,p\na,0.1\nb,0.2\nc,0.3\nd,0.4\n", "has 4 rows; expected 3"),
        ("id,p\na,0.1\nb,1.7\nc,0.3\n", "probabilities in [0, 1]"),
        ('id,p\n"a,0.1\n', "not valid CSV"),
    ],
)
def test_defects_become_failed_gates(tmp_path, text, message):
    preds = read(tmp_path, text)
    assert not preds.ok and preds.check.gate
    assert message in preds.check.message
    assert preds.frame is None


def test_good_predictions_align_to_expected_order(tmp_path):
    preds = read(tmp_path, "id,p,extra\nc,0.3,x\na,0.1,y\nb,0.2,z\n")
    assert preds.ok
    assert list(preds.frame.index) == IDS
    assert list(preds.frame["p"]) == [0.1, 0.2, 0.3]


def test_labels_may_be_text(tmp_path):
    preds = read(tmp_path, "id,p\na,cat\nb,dog\nc,cat\n", kind="label")
    assert preds.ok and list(preds.frame["p"]) == ["cat", "dog", "cat"]


def test_a_link_out_of_the_workspace_is_refused(tmp_path):
    secret = tmp_path.parent / f"{tmp_path.name}-secret.csv"
    secret.write_text("id,p\na,1\nb,1\nc,1\n")
    os.symlink(secret, tmp_path / "p.csv")
    preds = read(tmp_path, None)
    assert not preds.ok and "link" in preds.check.message


def test_a_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "p.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no real disk use
    preds = read(tmp_path, None)
    assert not preds.ok and "MiB cap" in preds.check.message


def test_json_reports(tmp_path):
    (tmp_path / "m.json").write_text('{"auc": 0.8, "bad": "x", "flag": true, "nan": NaN}')
    data, check = read_json(tmp_path / "m.json", tmp_path, "metrics readable")
    assert check.passed
    assert finite_number(data, "auc") == 0.8
    assert finite_number(data, "bad") is None
    assert finite_number(data, "flag") is None
    assert finite_number(data, "nan") is None
    (tmp_path / "broken.json").write_text("{nope")
    _, check = read_json(tmp_path / "broken.json", tmp_path, "metrics readable")
    assert not check.passed and "not valid JSON" in check.message


def test_integers_no_float_holds_read_as_infinities(tmp_path):
    """Graders test numbers with math.isfinite and compare them with floats: on 10**400
    both raise OverflowError, which would make the agent's 0 an unscored error."""
    huge = "9" * 400
    text = f'{{"p": {huge}, "n": -{huge}, "rows": [{huge}], "k": 12, "max": {2**1023}}}'
    (tmp_path / "m.json").write_text(text)
    data, check = read_json(tmp_path / "m.json", tmp_path, "metrics readable")
    assert check.passed
    assert data["p"] == math.inf and data["n"] == -math.inf and data["rows"] == [math.inf]
    assert data["k"] == 12 and isinstance(data["k"], int) and data["max"] == 2**1023
    assert not math.isfinite(data["p"]) and finite_number(data, "p") is None
    assert http.parse_json(text.encode()) == data


def test_scoring_normalises_and_gates():
    spec = GradingSpec(metric="m", baseline=0.2, reference=0.6, pass_mark=0.5)
    assert combine(spec, 0.4).score == pytest.approx(0.5)
    assert combine(spec, 0.9).score == 1.0 and combine(spec, 0.1).score == 0.0
    lower_is_better = GradingSpec(metric="mase", baseline=1.0, reference=0.5, pass_mark=0.5)
    assert combine(lower_is_better, 0.6).score == pytest.approx(0.8)
    gated = combine(spec, 0.6, [Check("format", False, "bad", gate=True)])
    assert gated.score == 0 and not gated.passed
    weighted = combine(spec, 0.6, [Check("estimate honest", False, "off by 0.2", weight=1.0)])
    assert weighted.score == pytest.approx(0.5) and weighted.passed
    assert combine(spec, float("nan")).score == 0.0
