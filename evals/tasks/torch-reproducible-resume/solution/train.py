"""Train the sensor-state classifier (a small MLP): reproducible and resumable.

Usage:
  python train.py --seed 0 --epochs 6 --out runs/a                        # full run
  python train.py --seed 0 --epochs 6 --out runs/b --stop-after-epoch 2   # pre-empted
  python train.py --epochs 6 --out runs/c --resume runs/b                 # finish it

Everything random comes from the seed: the initial weights and dropout masks from torch's
generator, the per-epoch data order from a numpy Generator. A checkpoint written after
every epoch holds all state that the next epoch depends on (weights, AdamW moments, the
one-cycle schedule's position, both random generators, the epoch and the seed), so a
resumed run continues bit for bit where the interrupted one stopped.
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
    parser.add_argument("--seed", type=int)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--out", default="runs/latest")
    parser.add_argument("--stop-after-epoch", type=int, help="simulate pre-emption")
    parser.add_argument("--resume", help="run folder whose checkpoint.pt to continue from")
    args = parser.parse_args()
    state = None
    if args.resume:
        state = torch.load(Path(args.resume) / "checkpoint.pt", weights_only=True)
        args.seed = state["seed"]  # a resumed run is the run it continues
    elif args.seed is None:
        parser.error("--seed is required unless --resume is given")

    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(args.seed)

    x_train, y_train = load("data/train.csv")
    x_val, y_val = load("data/val.csv")
    model = make_model(x_train.shape[1], int(y_train.max()) + 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps_per_epoch = -(-len(x_train) // args.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch
    )
    first_epoch = 1
    if state:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        rng.bit_generator.state = state["numpy_rng"]
        first_epoch = state["epoch"] + 1

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for epoch in range(first_epoch, args.epochs + 1):
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
        metrics = {"epoch": epoch, "train_loss": total / len(x_train)}
        metrics["val_loss"], metrics["val_accuracy"] = evaluate(model, x_val, y_val)
        print(json.dumps(metrics))
        checkpoint = {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "numpy_rng": rng.bit_generator.state,
            "epoch": epoch,
            "seed": args.seed,
        }
        torch.save(checkpoint, out / "checkpoint.tmp")
        (out / "checkpoint.tmp").replace(out / "checkpoint.pt")  # never half a checkpoint
        (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
        if epoch == args.stop_after_epoch:
            return
    torch.save(model.state_dict(), out / "weights.pt")
    score(model, "data/score.csv", out)


if __name__ == "__main__":
    main()
