"""The fault classifier: an MLP over the 20 sensor readings."""

from torch import nn


def build_model(n_features: int, n_classes: int) -> nn.Module:
    return nn.Sequential(
        nn.Dropout(0.1),  # sensors drop out in the field: stay robust to missing readings
        nn.Linear(n_features, 128),
        nn.BatchNorm1d(128),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(128, 128),
        nn.BatchNorm1d(128),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(128, n_classes),
        nn.Softmax(dim=1),  # class probabilities
    )
