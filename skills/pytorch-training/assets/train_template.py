#!/usr/bin/env python3
"""Reproducible, resumable PyTorch training loop to copy and adapt (needs torch and numpy).

Replace make_data() and make_model(); keep the rest. Each epoch ends with an atomic
checkpoint of model, optimiser, scheduler, every RNG state, epoch, step and best metric,
so a killed run resumes exactly where it stopped: a run resumed after epoch 1 ends with the
same weights as one that never stopped. The model and every batch go to --device (auto:
CUDA, then Apple MPS, then CPU; asking for a device that is absent is an error, never a
silent CPU run). The datasets are built once; only the shuffle order changes per epoch.
Progress lines go to stdout (flushed) for a log file; metrics.json is rewritten after
every epoch and records the device.

Examples:
  python train_template.py --out-dir runs/r1 --epochs 10
  python train_template.py --out-dir runs/r1 --epochs 10 --stop-after-epochs 2  # then rerun
  python train_template.py --out-dir runs/r1 --overfit-one-batch   # must reach ~0 loss
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class Config:
    out_dir: str = "runs/train"
    seed: int = 0
    epochs: int = 5
    batch_size: int = 64
    lr: float = 3e-3  # small MLP from scratch; 1e-3 for bigger nets, 1e-5-5e-5 fine-tuning
    weight_decay: float = 0.01
    warmup_fraction: float = 0.05
    max_grad_norm: float = 1.0
    log_every: int = 20
    stop_after_epochs: int = 0  # end this invocation early (time budget); rerun to resume
    resume: bool = True
    device: str = "auto"  # auto, cpu, cuda, cuda:1, mps
    num_workers: int = 0  # >0 for datasets that decode or augment on the fly


def parse_args(argv: list[str] | None) -> tuple[Config, bool]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, default in asdict(Config()).items():
        if isinstance(default, bool):
            continue
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    parser.add_argument("--no-resume", action="store_true", help="ignore existing checkpoints")
    parser.add_argument(
        "--overfit-one-batch",
        action="store_true",
        help="debug: train on one batch until the loss is near zero",
    )
    args = vars(parser.parse_args(argv))
    overfit = args.pop("overfit_one_batch")
    args["resume"] = not args.pop("no_resume")
    return Config(**args), overfit


def pick_device(name: str) -> torch.device:
    """auto prefers an accelerator; an explicit device that is missing is an error, because
    a silent fallback to CPU turns a 1-hour run into a 1-day run."""
    mps = getattr(torch.backends, "mps", None)
    has_mps = bool(mps and mps.is_available())
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "mps" if has_mps else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"train_template.py: error: --device {name} but CUDA is not available")
    if device.type == "mps" and not has_mps:
        raise SystemExit(f"train_template.py: error: --device {name} but MPS is not available")
    return device


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = False
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")


# ---------------------------------------------------------------- replace these two
def make_data(cfg: Config) -> tuple[TensorDataset, TensorDataset]:
    """Toy binary task; return your own (train, validation) datasets instead."""
    g = torch.Generator().manual_seed(cfg.seed)
    x = torch.randn(1200, 8, generator=g)
    y = ((x[:, 0] + 0.5 * x[:, 1] ** 2 + 0.3 * torch.randn(1200, generator=g)) > 0.5).long()
    return TensorDataset(x[:1000], y[:1000]), TensorDataset(x[1000:], y[1000:])


def make_model(cfg: Config) -> nn.Module:
    return nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 2))


# ---------------------------------------------------------------- schedule and checkpoints
def warmup_cosine(optimizer, warmup_steps: int, total_steps: int):
    """Linear warmup from 0 to the base LR, then cosine decay to 0; step it once per batch."""

    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def rng_state() -> dict:
    state = np.random.get_state()
    return {
        "python": random.getstate(),
        "torch": torch.get_rng_state(),
        "numpy": [state[0], state[1].tolist(), *state[2:]],  # lists load with weights_only
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def set_rng_state(state: dict) -> None:
    random.setstate(state["python"])
    torch.set_rng_state(state["torch"])
    kind, keys, *rest = state["numpy"]
    np.random.set_state((kind, np.array(keys, dtype=np.uint32), *rest))
    if state["cuda"]:
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(path: Path, state: dict) -> None:
    """Write then rename: a kill during the save never leaves a truncated checkpoint."""
    temporary = path.with_suffix(".tmp")
    torch.save(state, temporary)
    os.replace(temporary, path)


def load_checkpoint(path: Path, model, optimizer, scheduler) -> dict:
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    set_rng_state(state["rng"])
    return state


# ---------------------------------------------------------------- loops
def train_one_epoch(model, loader, optimizer, scheduler, cfg, epoch: int, step: int) -> int:
    model.train()  # dropout and batch norm in training mode
    loss_fn = nn.CrossEntropyLoss()  # takes raw logits: no softmax in the model
    device = next(model.parameters()).device
    start = time.perf_counter()
    for x, y in loader:
        # non_blocking overlaps the copy with compute when the loader pins memory
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
        optimizer.step()
        scheduler.step()  # per batch, after optimizer.step()
        step += 1
        if step % cfg.log_every == 0:
            print(
                f"epoch {epoch} step {step} loss {loss.item():.4f} "
                f"lr {scheduler.get_last_lr()[0]:.2e} {time.perf_counter() - start:.1f}s",
                flush=True,
            )
    return step


@torch.no_grad()
def evaluate(model, loader) -> dict:
    model.eval()  # dropout off, batch norm uses running statistics
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    total, correct, n = 0.0, 0, 0
    device = next(model.parameters()).device
    for x, y in loader:
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        logits = model(x)
        total += loss_fn(logits, y).item()
        correct += (logits.argmax(dim=1) == y).sum().item()
        n += len(y)
    return {"val_loss": total / n, "val_accuracy": correct / n}


def overfit_one_batch(model, loader, cfg, steps: int = 300) -> float:
    """A model that cannot memorise one batch has a bug (wiring, labels, loss, LR)."""
    device = next(model.parameters()).device
    x, y = (t.to(device) for t in next(iter(loader)))
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for step in range(steps):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        if step % 50 == 0:
            print(f"overfit step {step} loss {loss.item():.4f}", flush=True)
    return loss.item()


# ---------------------------------------------------------------- main
def loaders(data, cfg: Config, epoch: int, device: torch.device) -> tuple[DataLoader, DataLoader]:
    """The shuffle order depends only on (seed, epoch), so a resumed epoch sees the same
    batches as an uninterrupted one. The datasets are built once by the caller."""
    train, val = data
    order = torch.Generator().manual_seed(cfg.seed * 1000 + epoch)
    common = {
        "batch_size": cfg.batch_size,
        "num_workers": cfg.num_workers,
        "pin_memory": device.type == "cuda",
        "persistent_workers": cfg.num_workers > 0,
    }
    return (
        DataLoader(train, shuffle=True, generator=order, **common),
        DataLoader(val, **common),
    )


def run(cfg: Config) -> dict:
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seed_everything(cfg.seed)
    device = pick_device(cfg.device)
    print(f"device {device}", flush=True)
    data = make_data(cfg)  # once: a real dataset is not re-read every epoch
    model = make_model(cfg).to(device)  # before the optimiser is built on its parameters
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = len(loaders(data, cfg, 0, device)[0])
    total = steps_per_epoch * cfg.epochs
    scheduler = warmup_cosine(optimizer, max(1, int(cfg.warmup_fraction * total)), total)
    state = {"epoch": 0, "step": 0, "best": math.inf, "history": []}
    if cfg.resume and (out / "last.pt").is_file():
        state = load_checkpoint(out / "last.pt", model, optimizer, scheduler)
        print(f"resumed from epoch {state['epoch']} step {state['step']}", flush=True)
    last = cfg.epochs
    if cfg.stop_after_epochs:
        last = min(last, state["epoch"] + cfg.stop_after_epochs)
    for epoch in range(state["epoch"] + 1, last + 1):
        train_loader, val_loader = loaders(data, cfg, epoch, device)
        state["step"] = train_one_epoch(
            model, train_loader, optimizer, scheduler, cfg, epoch, state["step"]
        )
        metrics = {
            "epoch": epoch,
            "step": state["step"],
            "device": str(device),
            **evaluate(model, val_loader),
        }
        print(json.dumps(metrics), flush=True)
        state = end_of_epoch(out, cfg, model, optimizer, scheduler, state, metrics)
    return state


def end_of_epoch(out, cfg, model, optimizer, scheduler, state, metrics) -> dict:
    history = [*state["history"], metrics]
    best = min(state["best"], metrics["val_loss"])
    new_state = {
        "epoch": metrics["epoch"],
        "step": metrics["step"],
        "best": best,
        "history": history,
        "config": asdict(cfg),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "rng": rng_state(),
    }
    save_checkpoint(out / "last.pt", new_state)
    if metrics["val_loss"] <= best:
        save_checkpoint(out / "best.pt", new_state)
    (out / "metrics.json").write_text(
        json.dumps({"best_val_loss": best, "history": history}, indent=2)
    )
    return new_state


def main(argv: list[str] | None = None) -> int:
    cfg, overfit = parse_args(argv)
    if overfit:
        seed_everything(cfg.seed)
        device = pick_device(cfg.device)
        batches = loaders(make_data(cfg), cfg, 0, device)[0]
        final = overfit_one_batch(make_model(cfg).to(device), batches, cfg)
        print(json.dumps({"overfit_final_loss": final, "ok": final < 0.05}), flush=True)
        return 0 if final < 0.05 else 1
    run(cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
