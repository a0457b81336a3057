#!/usr/bin/env bash
# Another correct GPU style: a DataLoader with pinned memory and non-blocking copies,
# torch.compile on CUDA (the plain module's weights saved), bf16 autocast through the
# legacy torch.cuda.amp API and no gradient scaler, CUDA events timing the run; fp32 on
# the CPU. predict.py is the oracle's.
set -euo pipefail
cp .mlskills-script/reference_predict.py predict.py
cat > train.py <<'PY'
import time

import numpy as np
import torch
from model import build_model
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

EPOCHS, BATCH_SIZE, LR = 10, 128, 2e-3


def main():
    torch.manual_seed(0)
    cuda = torch.cuda.is_available()
    device = "cuda" if cuda else "cpu"
    if cuda:
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        print("training on", torch.cuda.get_device_name(0))
    table = np.loadtxt("data/train.csv", delimiter=",", skiprows=1, dtype=np.float32)
    x = torch.from_numpy(table[:, 1:-1])
    y = torch.from_numpy(table[:, -1].astype(np.int64))
    n_classes = int(y.max()) + 1
    batches = DataLoader(
        TensorDataset(x, y), batch_size=BATCH_SIZE, shuffle=True, pin_memory=cuda, drop_last=True
    )

    model = build_model(x.shape[1], n_classes)
    if cuda:
        model = torch.compile(model.cuda())
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    start, end = (torch.cuda.Event(enable_timing=True) for _ in range(2)) if cuda else (None, None)
    began = time.time()
    if cuda:
        start.record()
    for epoch in range(1, EPOCHS + 1):
        model.train()
        for xb, yb in batches:
            xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            # bf16 keeps fp32's range: no gradient scaler needed
            with torch.cuda.amp.autocast(dtype=torch.bfloat16, enabled=cuda):
                loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: last batch loss {loss.item():.3f}")
    if cuda:
        end.record()
        torch.cuda.synchronize()
        print(f"GPU time {start.elapsed_time(end) / 1000:.1f} s")
    print(f"wall time {time.time() - began:.1f} s")

    plain = getattr(model, "_orig_mod", model)  # torch.compile's wrapper prefixes the keys
    weights = {name: tensor.detach().cpu() for name, tensor in plain.state_dict().items()}
    torch.save({"n_features": x.shape[1], "n_classes": n_classes, "weights": weights}, "model.pt")


if __name__ == "__main__":
    main()
PY
