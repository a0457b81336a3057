"""Train the fault classifier on data/train.csv and save it to model.pt.

Usage: python train.py
"""

import numpy as np
import torch
from model import build_model
from torch import nn

EPOCHS, BATCH_SIZE, LR = 8, 64, 0.02


def load_training_data(path="data/train.csv"):
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    return table[:, 1:-1], table[:, -1].astype(np.int64)  # drop the id column


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    x, y = load_training_data()
    n_classes = int(y.max()) + 1

    # Shuffle before splitting so the validation rows are a random sample.
    order = rng.permutation(len(x))
    x = x[order]
    n_val = len(x) // 5
    x_train, y_train = torch.from_numpy(x[n_val:]), torch.from_numpy(y[n_val:])
    x_val, y_val = torch.from_numpy(x[:n_val]), torch.from_numpy(y[:n_val])

    model = build_model(x.shape[1], n_classes)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, EPOCHS + 1):
        model.train()
        batches = torch.randperm(len(x_train)).split(BATCH_SIZE)
        for batch in batches:
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
        val_accuracy = accuracy(model, x_val, y_val)
        print(f"epoch {epoch}: last batch loss {loss.item():.3f}, val accuracy {val_accuracy:.3f}")

    state = {"n_features": x.shape[1], "n_classes": n_classes, "weights": model.state_dict()}
    torch.save(state, "model.pt")


if __name__ == "__main__":
    main()
