"""Training script of this model (its name, framework and task are in ../catalog-info.yaml).

Reads the dataset locations from KAML_DATASET_LOCATIONS / KAML_DATASET_LOCATION (set by the
kaml-d:training:launch action from the catalog Datasets' spec.location) and writes what it
learnt to KAML_MODEL_OUTPUT. As generated it fits the baseline every model must beat (the
majority class, or the mean for numeric targets) on the column named by KAML_TARGET_COLUMN (the
last column by default); put the real model in `fit`.
"""

import json
import os
import sys

import pandas as pd


def load(locations):
    frames = []
    for location in locations:
        # a dataset folder holds CSV files; a location may also name one file
        path = location if location.endswith(".csv") else location.rstrip("/") + "/data.csv"
        frames.append(pd.read_csv(path))
    return pd.concat(frames, ignore_index=True)


def fit(data, target):
    y = data[target]
    if pd.api.types.is_numeric_dtype(y) and y.nunique() > 20:
        return {"kind": "mean", "prediction": float(y.mean())}
    majority = y.mode().iloc[0]
    return {
        "kind": "majority-class",
        "prediction": majority.item() if hasattr(majority, "item") else majority,
        "accuracy": float((y == majority).mean()),
    }


def main() -> int:
    raw = os.environ.get("KAML_DATASET_LOCATIONS") or os.environ.get("KAML_DATASET_LOCATION")
    if not raw:
        print("No dataset location: pick a dataset in the Train a model template", file=sys.stderr)
        return 2
    data = load([l for l in raw.split(",") if l])
    target = os.environ.get("KAML_TARGET_COLUMN", data.columns[-1])
    if target not in data.columns:
        print(f"KAML_TARGET_COLUMN {target!r} is not a column of the data", file=sys.stderr)
        return 2
    model = fit(data, target)
    output = os.environ.get("KAML_MODEL_OUTPUT", "model-out")
    os.makedirs(output, exist_ok=True)
    with open(os.path.join(output, "model.json"), "w", encoding="utf-8") as f:
        json.dump({"target": target, "rows": len(data), **model}, f, indent=2)
    print(f"{model} on {len(data)} rows, written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
