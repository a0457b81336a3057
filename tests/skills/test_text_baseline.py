"""text_baseline.py on a corpus whose duplicates, conflicts and lengths are known by
construction: templated rows with arbitrary labels (memorisable, not learnable) and unique
rows whose class words are learnable."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .conftest import ScriptRunner

SCRIPT = ("nlp-text-models", "scripts/text_baseline.py")


class SlowRunner(ScriptRunner):
    """The shared runner with a longer timeout: the test machine can be heavily loaded."""

    def __call__(self, skill: str, script: str, *args, timeout: float = 900):
        return super().__call__(skill, script, *args, timeout=timeout)


@pytest.fixture
def run(tmp_path) -> SlowRunner:
    return SlowRunner(tmp_path)


CLASSES = {"billing": 0.4, "login": 0.3, "shipping": 0.2, "other": 0.1}
CLASS_WORDS = {c: [f"{c}{i}" for i in range(6)] for c in CLASSES}
NEUTRAL = [f"word{i}" for i in range(60)]


def corpus(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names, probs = list(CLASSES), list(CLASSES.values())
    rows = []
    for t in range(40):  # 40 templates x 10 copies, 7 words each (6 fixed + a number)
        words = rng.choice(NEUTRAL, 6, replace=False)
        label = names[t % 4]
        for copy in range(10):
            number = rng.integers(1000, 99999)
            text = " ".join([*words[:3], f"#{number}", *words[3:]]) + ("!" if copy % 2 else "")
            rows.append((text.capitalize() if copy % 3 else text, label))
    rows[3] = (rows[3][0], "other" if rows[3][1] != "other" else "billing")  # one conflict
    for _ in range(200):  # unique rows, 8 words: 3 class words + 5 neutral
        label = rng.choice(names, p=probs)
        words = [*rng.choice(CLASS_WORDS[label], 3), *rng.choice(NEUTRAL, 5)]
        rows.append((" ".join(rng.permutation(words)), label))
    frame = pd.DataFrame(rows, columns=["body", "queue"])
    frame.loc[len(frame)] = [np.nan, "login"]  # a missing text must not crash anything
    return frame


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("text")
    corpus().to_csv(folder / "tickets.csv", index=False)
    result = SlowRunner(folder)(
        *SCRIPT,
        *("tickets.csv", "--text", "body", "--label", "queue", "--max-tokens", "10"),
        *("--show-leak", "--oof", "oof.csv", "--folds", "4"),
    )
    assert result.returncode == 0, result.stderr
    return {"json": json.loads(result.stdout), "oof": pd.read_csv(folder / "oof.csv")}


def test_templated_duplicates_and_label_conflicts_are_found(report):
    dup = report["json"]["duplicates"]
    assert dup["rows_in_duplicate_groups"] == 400
    assert dup["groups"] == 40
    assert dup["conflicting_label_groups"] == 1
    assert dup["largest"][0]["rows"] == 10
    assert report["json"]["missing_texts_filled_empty"] == 1


def test_length_statistics_use_the_word_estimate_without_a_tokenizer(report):
    lengths = report["json"]["lengths"]
    # 7-word rows -> 9.1 estimated tokens (kept); 8-word rows -> 10.4 (truncated at 10).
    assert lengths["share_truncated"] == pytest.approx(200 / 601)
    assert lengths["words"]["max"] == 8
    assert lengths["empty_texts"] == 1
    assert "estimated" in lengths["token_counts"]


def test_grouped_cv_keeps_duplicates_apart_and_random_folds_look_better(report):
    got, oof = report["json"], report["oof"]
    grouped = got["cv"]["tfidf_logreg"]["macro_f1"]["mean"]
    random = got["random_folds_for_comparison"]["tfidf_logreg"]["macro_f1"]["mean"]
    assert grouped > got["cv"]["dummy"]["macro_f1"]["mean"] + 0.2
    assert random > grouped + 0.1  # memorised templates inflate the careless split
    # Templates carry arbitrary labels: out of fold they are near chance, unique rows are not.
    templated = oof["template"].duplicated(keep=False)
    acc_templates = (oof.loc[templated, "predicted"] == oof.loc[templated, "queue"]).mean()
    acc_unique = (oof.loc[~templated, "predicted"] == oof.loc[~templated, "queue"]).mean()
    assert acc_unique > acc_templates + 0.3
    assert set(got["per_class"]) == set(CLASSES)
    assert got["imbalance_ratio"] > 1


def test_bad_input_is_one_clear_line(run: SlowRunner, tmp_path: Path):
    frame = corpus()
    frame.to_csv(tmp_path / "t.csv", index=False)
    run.fails(*SCRIPT, "t.csv", "--text", "text", "--label", "queue", words=("text",))
    frame.loc[0, "queue"] = "rare"
    frame.to_csv(tmp_path / "t.csv", index=False)
    run.fails(*SCRIPT, "t.csv", "--text", "body", "--label", "queue", words=("rare",))


def test_real_token_counts_with_a_local_tokenizer(run: SlowRunner, tmp_path: Path):
    """Offline tokenizer built from a vocabulary file: numbers become one [UNK] each."""
    transformers = pytest.importorskip(
        "transformers", reason="transformers not installed: real token counts untested"
    )
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "#", "!", *NEUTRAL]
    vocab += [w for words in CLASS_WORDS.values() for w in words]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(tmp_path / "vocab.txt"))
    tokenizer.save_pretrained(tmp_path / "tok")
    corpus().head(601).to_csv(tmp_path / "t.csv", index=False)
    result = run(
        *SCRIPT,
        *("t.csv", "--text", "body", "--label", "queue", "--folds", "2"),
        *("--tokenizer", "tok", "--max-tokens", "10"),
    )
    assert result.returncode == 0, result.stderr
    lengths = json.loads(result.stdout)["lengths"]
    assert lengths["token_counts"] == "tokenizer"
    # Template rows: [CLS] + 6 words + '#' + [UNK] (+ '!') + [SEP] = 10 or 11 tokens;
    # unique rows: [CLS] + 8 + [SEP] = 10. Over 10: the 200 template rows ending in '!'.
    assert lengths["tokens"]["max"] == 11
    assert lengths["share_truncated"] == pytest.approx(200 / 601)
