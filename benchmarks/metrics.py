"""VSI-Bench's metrics: exact match for multiple choice, Mean Relative Accuracy for numbers."""

from __future__ import annotations

import math

import numpy as np

#: θ ∈ {0.50, 0.55, …, 0.95}, as in the official evaluation.
MRA_THRESHOLDS = np.linspace(0.5, 0.95, 10)


def mean_relative_accuracy(prediction: float, truth: float) -> float:
    """Mean over θ of 1[|ŷ − y| / y ≤ 1 − θ] (the official code's `<=`)."""
    if not math.isfinite(prediction) or truth == 0:
        return 0.0
    relative = abs(prediction - truth) / abs(truth)
    return float(np.mean(relative <= 1 - MRA_THRESHOLDS))


def to_number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(str(text).strip().split()[0])
    except (ValueError, IndexError):
        return None


def score(prediction: str | None, truth: str, numeric: bool) -> float:
    """The question's score: MRA for numeric answers, exact match of the option letter otherwise."""
    if prediction is None:
        return 0.0
    if numeric:
        value, target = to_number(prediction), to_number(truth)
        return mean_relative_accuracy(value, target) if value is not None and target is not None else 0.0
    return float(prediction.strip().upper() == truth.strip().upper())
