"""The Reasmory paper's scoring, as its evaluation code does it (KaKituken/Reasmory, `evaluation/utils.py`).

- An answer is cleaned: the last `<answer>…</answer>` when there is one, line breaks made spaces, stripped, a
  trailing "." dropped, lower-cased; an option given with its text ("A. chair") becomes its letter.
- Multiple choice: 1 when the cleaned answer equals the cleaned solution, else 0.
- Regression: Mean Relative Accuracy over θ ∈ {0.50, 0.55, …, 0.95} with a strict `<` (relative error
  < 1 − θ, the error relative to |truth| + 1e-8; VSI-Bench's own code uses `<=`); commas in numbers are
  dropped; an answer that is no number scores 0.
- Summaries: the mean over multiple-choice questions (`mean_acc`), over regression questions (`mean_mra`)
  and over all questions (`mean_all`): a mean over questions, not over categories.
"""

from __future__ import annotations

import re

import numpy as np

from reasmory.benchmarks.metrics import MRA_THRESHOLDS

_ANSWER = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)


def clean(text: str | None) -> str:
    """The answer as the paper compares it."""
    if text is None:
        return ""
    tagged = _ANSWER.findall(text)
    text = tagged[-1] if tagged else text
    text = re.sub(r"(?<=\s)[\n\r]", "", text)
    text = re.sub(r"(?<!\s)[\n\r]", " ", text)
    out = text.strip().rstrip(".").lower()
    if len(out) > 1 and out[1] == "." and not out[0].isnumeric():
        out = out[0]
    return out


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


#: θ in float32, as the paper's torch.arange makes them (each start + i·step, rounded once).
_THRESHOLDS32 = MRA_THRESHOLDS.astype(np.float32)


def mra(prediction: float, truth: float) -> float:
    """Mean Relative Accuracy with the paper's strict inequality, in float32 as its torch code computes it."""
    p, t = np.float32(prediction), np.float32(truth)
    relative = np.abs(p - t) / (np.abs(t) + np.float32(1e-8))
    return float(np.mean(relative < np.float32(1) - _THRESHOLDS32))


def reward(prediction: str | None, solution: str, problem_type: str) -> float:
    """The question's score: exact match for multiple choice, MRA for regression (0 for kinds the paper does not score)."""
    got, want = clean(prediction), clean(solution)
    if problem_type == "multiple choice":
        return float(got == want)
    if problem_type == "regression":
        value, truth = _number(got), _number(want)
        return mra(value, truth) if value is not None and truth is not None else 0.0
    return 0.0


def summary(rewards: list[tuple[str, float]]) -> dict[str, float | None]:
    """mean_acc, mean_mra and mean_all over (problem_type, reward) pairs (None where there is nothing to average)."""

    def mean(values: list[float]) -> float | None:
        return float(np.mean(values)) if values else None

    return {"mean_acc": mean([r for kind, r in rewards if kind != "regression"]),
            "mean_mra": mean([r for kind, r in rewards if kind == "regression"]),
            "mean_all": mean([r for _, r in rewards])}
