"""Predict defect classes for new measurements with the model in model.pt.

Usage: python predict.py --input parts.csv --output predictions.csv [--checkpoint model.pt]
The input has an `id` column followed by m0..m15; the output has columns `id,defect`.
Checkpoints from any machine load here: storages are mapped to the CPU first (a GPU-saved
checkpoint would otherwise need CUDA), then the model moves to this machine's device.
"""

import argparse

import numpy as np
import torch
from model import build_model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--checkpoint", default="model.pt")
    args = parser.parse_args()

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    table = np.loadtxt(args.input, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    ids = table[:, 0].astype(np.int64)
    x = torch.from_numpy(table[:, 1:].astype(np.float32)).to(device)
    saved = torch.load(args.checkpoint, map_location="cpu", weights_only=True)
    model = build_model(saved["n_features"], saved["n_classes"])
    model.load_state_dict(saved["weights"])
    model.to(device).eval()
    with torch.no_grad():
        defects = model(x).argmax(1).cpu().numpy()
    np.savetxt(
        args.output,
        np.column_stack([ids, defects]),
        fmt="%d",
        delimiter=",",
        header="id,defect",
        comments="",
    )


if __name__ == "__main__":
    main()
