#!/usr/bin/env python3
"""Minimal DistributedDataParallel training to copy: one process per GPU, started by torchrun.

  torchrun --nproc_per_node=4 ddp_minimal.py --epochs 3 --out ddp.pt      # 4 GPUs, one node
  torchrun --nproc_per_node=2 ddp_minimal.py --backend gloo              # CPU, for testing

What matters, and what this shows: init_process_group from torchrun's environment; the
model moved to this rank's device before wrapping in DDP; a DistributedSampler whose
set_epoch() is called every epoch (or every epoch reuses the same shuffle); the global
batch is per-rank batch x world size (scale the LR with it); metrics all-reduced across
ranks before printing; only rank 0 writes the checkpoint (the unwrapped module's
state_dict); barrier() so no rank reads a file before it exists; destroy_process_group().
Prints one JSON line from rank 0. Needs torch.
"""

from __future__ import annotations

import argparse
import json
import os

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

# The handle of the last collective, kept until the interpreter exits. A gloo worker
# thread drops its reference to a finished collective just after waking this thread; if that
# is the last reference, the worker frees the collective's tensors, which needs the GIL, and
# once Python has begun shutting down that aborts the process ("terminate called without an
# active exception", SIGABRT after every output was written: ~5% of 2-process CPU runs on
# torch 2.13). destroy_process_group() does not join those threads. Holding the handle here
# makes Python free it, at exit, with the GIL.
_LAST_COLLECTIVE: list = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32, help="per rank")
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--backend", default="nccl" if torch.cuda.is_available() else "gloo")
    parser.add_argument("--out", default="ddp.pt")
    args = parser.parse_args()

    dist.init_process_group(args.backend)  # reads RANK, WORLD_SIZE, MASTER_ADDR from torchrun
    rank, world = dist.get_rank(), dist.get_world_size()
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    if args.backend == "nccl":
        torch.cuda.set_device(local_rank)
        device = torch.device("cuda", local_rank)
    else:
        device = torch.device("cpu")
    torch.manual_seed(0)  # same initial weights on every rank (DDP also broadcasts rank 0's)

    g = torch.Generator().manual_seed(0)
    x = torch.randn(2048, 8, generator=g)
    y = (x[:, 0] + x[:, 1] > 0).long()
    data = TensorDataset(x, y)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=0)
    loader = DataLoader(data, batch_size=args.batch_size, sampler=sampler)

    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 2)).to(device)
    model = DistributedDataParallel(
        model, device_ids=[local_rank] if device.type == "cuda" else None
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr * world)  # global batch grew
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, identical across ranks
        model.train()
        total = torch.zeros(2, device=device)  # loss sum, rows
        for xb, yb in loader:
            xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()  # gradients are all-reduced (averaged) across ranks here
            optimizer.step()
            total += torch.stack([loss.detach() * len(yb), torch.tensor(len(yb), device=device)])
        dist.all_reduce(total)  # every rank saw a different shard: sum before reporting
        if rank == 0:
            print(json.dumps({"epoch": epoch, "train_loss": (total[0] / total[1]).item()}))
    if rank == 0:
        torch.save(model.module.state_dict(), args.out)  # .module: the unwrapped model
    dist.barrier()  # nobody goes on to read the checkpoint before rank 0 wrote it
    rows = torch.tensor([len(sampler)], device=device)
    last = dist.all_reduce(rows, async_op=True)
    last.wait()
    _LAST_COLLECTIVE.append(last)  # see _LAST_COLLECTIVE
    if rank == 0:
        print(json.dumps({"world_size": world, "rows_seen_per_epoch": int(rows.item())}))
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
