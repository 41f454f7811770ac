"""Grounding DINO label scores: the highest probability among a label's tokens, as upstream scores boxes.

Upstream (GroundingDINO, and transformers' post-processing) keeps a box when its highest token probability is
over the box threshold, so the model card's 0.35 was chosen for a maximum. Averaging a label's tokens instead
makes the same threshold stricter for labels of several tokens; the second test measures by how much on the tiny
model's score distributions (run with -s to see the table; docs/grounding.md quotes it).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from reasmory.memory.grounding.detectors_models import captions, label_scores  # noqa: E402

from .tiny_models import LABELS, tiny_grounding_dino  # noqa: E402

THRESHOLD = 0.35  # the grounding-dino default (KIND_DEFAULTS)


@pytest.fixture(scope="module")
def outputs() -> list[tuple]:
    """(token probabilities (Q, T), input ids (T,), caption) for random images, every label in one caption."""
    from PIL import Image

    model, processor = tiny_grounding_dino()
    (cap,) = captions(list(LABELS), processor.tokenizer, 32)
    rng = np.random.default_rng(0)
    found = []
    for _ in range(24):
        image = Image.fromarray(rng.integers(0, 255, (96, 128, 3), dtype=np.uint8))
        with torch.inference_mode():
            out = model.eval()(**processor.image_processor([image], return_tensors="pt"), **cap.tokens)
        found.append((out.logits.float().sigmoid()[0, :, : cap.phrases.shape[1]], cap.tokens["input_ids"][0], cap))
    return found


def test_a_labels_score_is_its_best_token_found_by_token_id(outputs: list[tuple]) -> None:
    from .tiny_models import bert_tokenizer

    vocab = bert_tokenizer().get_vocab()
    for probs, ids, cap in outputs:
        scores = label_scores(probs[None], cap.phrases)[0]
        for row, label in enumerate(LABELS):
            word_ids = torch.tensor([vocab[w] for w in label.split()])
            expected = probs[:, torch.isin(ids, word_ids)].max(-1).values
            assert torch.allclose(scores[:, row], expected)


def test_a_mean_over_tokens_would_keep_fewer_boxes_of_multi_token_labels(outputs: list[tuple]) -> None:
    kept: dict[int, dict[str, list[bool]]] = {}
    for probs, _, cap in outputs:
        for row in range(len(LABELS)):
            tokens = probs[:, cap.phrases[row]]
            by = kept.setdefault(tokens.shape[1], {"max": [], "mean": []})
            by["max"] += (tokens.max(-1).values > THRESHOLD).tolist()
            by["mean"] += (tokens.mean(-1) > THRESHOLD).tolist()
    print(f"\nboxes kept at {THRESHOLD} (tiny Grounding DINO, 24 random images, 20 queries):")
    recall = {}
    for n, by in sorted(kept.items()):
        upstream, mean = np.array(by["max"]), np.array(by["mean"])
        recall[n] = (upstream & mean).sum() / upstream.sum()
        print(f"  {n}-token labels: max keeps {upstream.mean():.3f}, mean keeps {mean.mean():.3f}, "
              f"mean's recall of max's boxes {recall[n]:.3f}")
    assert recall[1] == 1.0 and recall[2] < 0.95
