"""Train the defect classifier on data/train.csv and save it to model.pt.

Written on the A100 workstation. Usage: python train.py
"""

import numpy as np
import torch
from model import build_model
from torch import nn

EPOCHS, BATCH_SIZE, LR = 10, 128, 2e-3


def main():
    torch.manual_seed(0)
    table = np.loadtxt("data/train.csv", delimiter=",", skiprows=1, dtype=np.float32)
    x = torch.from_numpy(table[:, 1:-1]).cuda()
    y = torch.from_numpy(table[:, -1].astype(np.int64)).cuda()
    n_classes = int(y.max()) + 1

    model = build_model(x.shape[1], n_classes).cuda()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    scaler = torch.cuda.amp.GradScaler()
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, EPOCHS + 1):
        model.train()
        for batch in torch.randperm(len(x), device="cuda").split(BATCH_SIZE):
            optimizer.zero_grad()
            with torch.autocast("cuda", dtype=torch.float16):
                loss = loss_fn(model(x[batch]), y[batch])
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        print(f"epoch {epoch}: last batch loss {loss.item():.3f}")

    torch.save(
        {"n_features": x.shape[1], "n_classes": n_classes, "weights": model.state_dict()},
        "model.pt",
    )


if __name__ == "__main__":
    main()
