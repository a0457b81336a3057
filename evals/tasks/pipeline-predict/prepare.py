"""Used-car listings: price from mixed-type features, and a hidden production batch.

Training data has missing values in a few columns. The hidden batch is what production
sends a month later: new models, a new fuel type and body style, new colours and a new
region the training data never saw, missing values in every column (also in ones that
were always filled in training), columns in another order, and an extra export column.
The price depends on the features through make/model effects, non-linear depreciation and
interactions, so a fitted model clearly beats a constant.
"""

from pathlib import Path

import numpy as np
import pandas as pd

N_TRAIN, N_BATCH, N_SAMPLE = 6000, 3000, 50
N_SMALL = 60  # rows of the second, smaller batch (same rows, different order and layout)
PRICE_SCALE = 1.5  # the export train.py is rerun on: every sale price times this
MODELS = {
    "toyota": ["corolla", "yaris", "rav4", "prius", "auris"],
    "volkswagen": ["golf", "polo", "passat", "tiguan", "touran"],
    "ford": ["fiesta", "focus", "mondeo", "kuga"],
    "bmw": ["1series", "3series", "5series", "x3"],
    "audi": ["a3", "a4", "a6", "q5"],
    "mercedes": ["aclass", "cclass", "eclass", "glc"],
    "renault": ["clio", "megane", "captur"],
    "peugeot": ["208", "308", "3008"],
    "kia": ["picanto", "ceed", "sportage"],
    "hyundai": ["i10", "i30", "tucson"],
    "skoda": ["fabia", "octavia", "superb"],
    "volvo": ["v40", "v60", "xc60"],
}
NEW_MODELS = {"toyota": ["chr"], "volkswagen": ["id3"], "kia": ["niro"], "bmw": ["x1"]}
FUELS = {"petrol": 0.0, "diesel": 0.03, "hybrid": 0.12, "electric": 0.18}
BODIES = {"hatchback": -0.08, "sedan": 0.0, "wagon": 0.03, "suv": 0.12, "coupe": 0.10}
COLOURS = ["black", "white", "grey", "silver", "blue", "red", "green", "brown"]
REGIONS = ["north", "south", "east", "west", "central", "coast"]
UNSEEN = {"fuel": "lpg", "body": "pickup", "colour": "orange", "region": "islands"}
FEATURES = [
    "make", "model", "year", "mileage_km", "engine_l", "power_kw", "fuel", "transmission",
    "body", "colour", "owners", "accident", "seller", "region",
]  # fmt: skip


def _effects(rng):
    """Random per-level price effects (log scale), drawn once per seed, unseen levels too."""
    make = {m: rng.normal(10.3, 0.3) for m in MODELS}
    model = {
        (mk, md): make[mk] + rng.normal(0, 0.25)
        for mk in MODELS
        for md in MODELS[mk] + NEW_MODELS.get(mk, [])
    }
    region = {r: rng.normal(0, 0.04) for r in [*REGIONS, UNSEEN["region"]]}
    colour = {c: rng.normal(0, 0.03) for c in [*COLOURS, UNSEEN["colour"]]}
    return model, region, colour


def _listings(rng, n, effects, new_share):
    model_fx, region_fx, colour_fx = effects
    makes = rng.choice(list(MODELS), n)
    models = []
    for mk in makes:
        new = NEW_MODELS.get(mk, [])
        pool = new if new and rng.random() < new_share * 3 else MODELS[mk]
        models.append(rng.choice(pool))
    fuels = np.array([*FUELS, UNSEEN["fuel"]])
    fuel_p = np.array([0.5, 0.3, 0.12, 0.08, 0.0]) + np.array([0, 0, 0, 0, 1.0]) * new_share
    fuel = rng.choice(fuels, n, p=fuel_p / fuel_p.sum())
    bodies = np.array([*BODIES, UNSEEN["body"]])
    body_p = np.array([0.3, 0.25, 0.15, 0.25, 0.05, 0.0]) + np.eye(6)[5] * new_share
    body = rng.choice(bodies, n, p=body_p / body_p.sum())
    colours = [*COLOURS, UNSEEN["colour"]]
    colour = rng.choice(colours, n, p=np.r_[np.full(8, (1 - new_share) / 8), new_share])
    regions = [*REGIONS, UNSEEN["region"]]
    region = rng.choice(regions, n, p=np.r_[np.full(6, (1 - new_share) / 6), new_share])
    year = rng.integers(2005, 2025, n)
    age = 2025 - year
    mileage = (age * rng.gamma(6.0, 2200, n) + rng.gamma(2.0, 2000, n)).round(-2)
    engine = np.where(fuel == "electric", np.nan, rng.choice([1.0, 1.2, 1.4, 1.6, 2.0, 2.5], n))
    premium = np.array([model_fx[(a, b)] for a, b in zip(makes, models, strict=True)])
    power = np.where(
        fuel == "electric",
        rng.normal(110, 25, n),
        np.nan_to_num(engine) * 55 + rng.normal(0, 12, n),
    )
    power = (power + 25 * (premium - 10)).clip(40, 300).round()
    auto = rng.random(n) < 0.3 + 0.4 * (premium > 10.1) + 0.3 * (fuel == "electric")
    owners = 1 + rng.poisson(age / 8)
    accident = rng.random(n) < 0.12
    private = rng.random(n) < 0.4
    log_price = (
        premium
        - 0.11 * age
        + 0.0015 * age**2
        - 0.035 * age * (fuel == "electric")
        - 0.33 * mileage / 1e5
        - 0.15 * (mileage > 2e5)
        + 0.004 * (power - 100)
        + np.array([FUELS.get(f, -0.10) for f in fuel])
        + np.array([BODIES.get(b, 0.05) for b in body])
        + 0.07 * auto
        - 0.15 * accident
        - 0.06 * private
        - 0.04 * (owners - 1)
        + np.array([region_fx[r] for r in region])
        + np.array([colour_fx[c] for c in colour])
        + rng.normal(0, 0.12, n)
    )
    frame = pd.DataFrame(
        {
            "make": makes,
            "model": models,
            "year": year,
            "mileage_km": mileage,
            "engine_l": engine,
            "power_kw": power,
            "fuel": fuel,
            "transmission": np.where(auto, "automatic", "manual"),
            "body": body,
            "colour": colour,
            "owners": owners,
            "accident": np.where(accident, "yes", "no"),
            "seller": np.where(private, "private", "dealer"),
            "region": region,
        }
    )
    return frame, np.exp(log_price).round(-1)


def _blank(rng, frame, rates):
    for column, rate in rates.items():
        frame[column] = frame[column].where(rng.random(len(frame)) >= rate)
    return frame


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(7100 + seed)
    effects = _effects(rng)
    train, price = _listings(rng, N_TRAIN + N_SAMPLE, effects, new_share=0.0)
    train = _blank(rng, train, {"mileage_km": 0.04, "power_kw": 0.05, "colour": 0.06})
    train.insert(0, "listing_id", [f"L{200000 + i}" for i in range(len(train))])
    train["price"] = price
    sample = train.iloc[N_TRAIN:].drop(columns="price")
    (public_dir / "data").mkdir()
    train.iloc[:N_TRAIN].to_csv(public_dir / "data" / "train.csv", index=False)
    sample.to_csv(public_dir / "data" / "sample_batch.csv", index=False)

    batch, price = _listings(rng, N_BATCH, effects, new_share=0.03)
    batch = _blank(rng, batch, {c: 0.03 for c in FEATURES})
    batch.insert(0, "listing_id", [f"L{300000 + i}" for i in rng.permutation(N_BATCH)])
    batch["exported_at"] = "2025-03-01T02:00:00Z"
    labels = pd.DataFrame({"listing_id": batch["listing_id"], "price": price})
    layout = list(rng.permutation(batch.columns))
    batch[layout].to_csv(hidden_dir / "batch.csv", index=False)
    labels.to_csv(hidden_dir / "batch_labels.csv", index=False)
    # The same rows again in a small batch, reordered, with yet another column order: a
    # correct predictor gives each row the same price whatever else is in the batch.
    small = batch.iloc[rng.choice(N_BATCH, N_SMALL, replace=False)]
    small[list(rng.permutation(batch.columns))].to_csv(hidden_dir / "small_batch.csv", index=False)
    _rescaled_export(train.iloc[:N_TRAIN], hidden_dir, np.random.default_rng(7300 + seed))


def _rescaled_export(train, hidden_dir: Path, rng) -> None:
    """The training listings with every price times PRICE_SCALE and the columns in another
    order (own generator: the rest of the data stays as it was measured): the export
    `python train.py` is rerun on. A model rebuilt from it prices each listing PRICE_SCALE
    times what the shipped model did; one train.py did not rebuild keeps the old prices.
    Training labels, not hidden ones: nothing here tells a price of the graded batch."""
    export = train.assign(price=train["price"] * PRICE_SCALE)
    export[list(rng.permutation(export.columns))].to_csv(
        hidden_dir / "rescaled_train.csv", index=False
    )
