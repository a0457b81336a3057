"""Train the defect classifier on data/train.csv and save it to model.pt.

Usage: python train.py
Runs on the GPU when there is one and on the CPU otherwise. Mixed precision (fp16
autocast with a gradient scaler) is used on CUDA only: on a CPU fp16 is slow and a plain
fp32 run is the safe default. The checkpoint holds CPU tensors, so it loads anywhere.
"""

import numpy as np
import torch
from model import build_model
from torch import nn

EPOCHS, BATCH_SIZE, LR = 10, 128, 2e-3


def main():
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    use_amp = device.type == "cuda"
    table = np.loadtxt("data/train.csv", delimiter=",", skiprows=1, dtype=np.float32)
    x = torch.from_numpy(table[:, 1:-1]).to(device)
    y = torch.from_numpy(table[:, -1].astype(np.int64)).to(device)
    n_classes = int(y.max()) + 1

    model = build_model(x.shape[1], n_classes).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    scaler = torch.amp.GradScaler(device.type, enabled=use_amp)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, EPOCHS + 1):
        model.train()
        for batch in torch.randperm(len(x), device=device).split(BATCH_SIZE):
            optimizer.zero_grad()
            with torch.autocast(device.type, dtype=torch.float16, enabled=use_amp):
                loss = loss_fn(model(x[batch]), y[batch])
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        print(f"epoch {epoch}: last batch loss {loss.item():.3f} ({device})")

    weights = {name: tensor.detach().cpu() for name, tensor in model.state_dict().items()}
    torch.save({"n_features": x.shape[1], "n_classes": n_classes, "weights": weights}, "model.pt")


if __name__ == "__main__":
    main()
