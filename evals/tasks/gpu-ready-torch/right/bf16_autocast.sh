#!/usr/bin/env bash
# Another correct route: autocast on every device (fp16 with a scaler on CUDA, bfloat16
# on the CPU), the state dict saved as it is, and predict.py mapping every storage to the
# CPU with a map_location function.
set -euo pipefail
cat > train.py <<'PY'
import numpy as np
import torch
from model import build_model
from torch import nn

EPOCHS, BATCH_SIZE, LR = 10, 128, 2e-3


def main():
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    # Mixed precision wherever it is supported: fp16 on CUDA, bfloat16 on the CPU.
    amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
    table = np.loadtxt("data/train.csv", delimiter=",", skiprows=1, dtype=np.float32)
    x = torch.from_numpy(table[:, 1:-1]).to(device)
    y = torch.from_numpy(table[:, -1].astype(np.int64)).to(device)
    n_classes = int(y.max()) + 1

    model = build_model(x.shape[1], n_classes).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    scaler = torch.amp.GradScaler(device.type, enabled=device.type == "cuda")
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, EPOCHS + 1):
        model.train()
        for batch in torch.randperm(len(x), device=device).split(BATCH_SIZE):
            optimizer.zero_grad()
            with torch.autocast(device.type, dtype=amp_dtype):
                loss = loss_fn(model(x[batch]), y[batch])
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        print(f"epoch {epoch}: last batch loss {loss.item():.3f} ({device})")

    weights = model.state_dict()  # the loader maps storages, wherever they were saved
    torch.save({"n_features": x.shape[1], "n_classes": n_classes, "weights": weights}, "model.pt")


if __name__ == "__main__":
    main()
PY
python3 - <<'PY'
from pathlib import Path

# The oracle's predict.py with a map_location function instead of the "cpu" string.
code = Path(".mlskills-script/reference_predict.py").read_text()
old = 'map_location="cpu", weights_only=True'
assert code.count(old) == 1
Path("predict.py").write_text(code.replace(old, "map_location=lambda storage, _location: storage"))
PY
