"""The four silent bugs of the starter and their fixes, as exact edits.

Usage: python fixes.py NAME [NAME ...]   (from the workspace root; NAME from FIXES or "all")

The oracle applies all of them; each wrong/*.sh applies a subset, so every wrong solution
is exactly "the reference minus one thing".
"""

import sys
from pathlib import Path

FIXES = {
    # Gradients accumulate across steps unless they are cleared before each backward pass.
    "zero_grad": [
        (
            "train.py",
            "            loss.backward()\n",
            "            optimizer.zero_grad()\n            loss.backward()\n",
        ),
    ],
    # CrossEntropyLoss applies log-softmax itself: the model must output raw logits.
    "logits": [("model.py", "        nn.Softmax(dim=1),  # class probabilities\n", "")],
    # The labels must be shuffled with the features, or every label belongs to another row.
    "aligned_labels": [("train.py", "    x = x[order]\n", "    x, y = x[order], y[order]\n")],
    # Dropout and batch-norm behave differently in training: evaluate in eval mode.
    "eval_in_validation": [
        (
            "train.py",
            "    with torch.no_grad():\n",
            "    model.eval()\n    with torch.no_grad():\n",
        ),
    ],
    "eval_in_predict": [
        (
            "predict.py",
            '    model.load_state_dict(saved["weights"])\n',
            '    model.load_state_dict(saved["weights"])\n    model.eval()\n',
        ),
    ],
}


def apply(names):
    for name in FIXES if names == ["all"] else names:
        for file, old, new in FIXES[name]:
            code = Path(file).read_text()
            assert code.count(old) == 1, f"{name}: {old!r} not found once in {file}"
            Path(file).write_text(code.replace(old, new))


if __name__ == "__main__":
    apply(sys.argv[1:])
