"""Predict fault codes for new sensor readings with the model in model.pt.

Usage: python predict.py --input readings.csv --output predictions.csv
The input has an `id` column followed by the sensor columns s0..s19; the output has
columns `id,fault`.
"""

import argparse

import numpy as np
import torch
from model import build_model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    table = np.loadtxt(args.input, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    ids, x = table[:, 0].astype(np.int64), torch.from_numpy(table[:, 1:].astype(np.float32))
    saved = torch.load("model.pt")
    model = build_model(saved["n_features"], saved["n_classes"])
    model.load_state_dict(saved["weights"])
    with torch.no_grad():
        faults = model(x).argmax(1).numpy()
    np.savetxt(
        args.output,
        np.column_stack([ids, faults]),
        fmt="%d",
        delimiter=",",
        header="id,fault",
        comments="",
    )


if __name__ == "__main__":
    main()
