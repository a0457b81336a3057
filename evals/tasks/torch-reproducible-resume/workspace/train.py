"""Train the sensor-state classifier (a small MLP), write its weights and metrics, and
label the day's batch (data/score.csv) into predictions.csv.

Usage: python train.py --epochs 6 --out runs/latest
"""

import argparse
import json
from pathlib import Path

import numpy as np
import torch
from torch import nn


def load(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    return torch.from_numpy(table[:, :-1]), torch.from_numpy(table[:, -1]).long()


def make_model(n_features, n_classes):
    return nn.Sequential(
        nn.Linear(n_features, 64),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(64, 64),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(64, n_classes),
    )


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
    model.train()
    loss = nn.functional.cross_entropy(logits, y).item()
    return loss, (logits.argmax(1) == y).float().mean().item()


def score(model, path, out):
    """Label the day's unlabelled batch (id, f0..f11) into out/predictions.csv."""
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    ids, x = table[:, 0].astype(np.int64), torch.from_numpy(table[:, 1:].astype(np.float32))
    model.eval()
    with torch.no_grad():
        labels = model(x).argmax(1).tolist()
    lines = ["id,label", *(f"{i},{label}" for i, label in zip(ids.tolist(), labels, strict=True))]
    (out / "predictions.csv").write_text("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--out", default="runs/latest")
    args = parser.parse_args()

    x_train, y_train = load("data/train.csv")
    x_val, y_val = load("data/val.csv")
    model = make_model(x_train.shape[1], int(y_train.max()) + 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps_per_epoch = -(-len(x_train) // args.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch
    )
    rng = np.random.default_rng()

    for epoch in range(1, args.epochs + 1):
        order = torch.from_numpy(rng.permutation(len(x_train)))
        total = 0.0
        for start in range(0, len(x_train), args.batch_size):
            batch = order[start : start + args.batch_size]
            loss = nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item() * len(batch)
        train_loss = total / len(x_train)
        val_loss, val_accuracy = evaluate(model, x_val, y_val)
        print(
            f"epoch {epoch}: train_loss {train_loss:.4f} val_loss {val_loss:.4f} "
            f"val_accuracy {val_accuracy:.4f}"
        )

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), out / "weights.pt")
    score(model, "data/score.csv", out)
    metrics = {
        "epoch": args.epochs,
        "train_loss": train_loss,
        "val_loss": val_loss,
        "val_accuracy": val_accuracy,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
