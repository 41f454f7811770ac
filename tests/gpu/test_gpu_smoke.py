"""GPU smoke tests: on CUDA the renderer draws what it draws on the CPU, and detectors in half precision find what fp32 finds.

Run them where a GPU is: `pytest -m gpu`. Without CUDA every test here is skipped with the reason.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA: run `pytest -m gpu` on a machine with a GPU")]

CPU, CUDA = torch.device("cpu"), torch.device("cuda")


@pytest.fixture(scope="module")
def memory():
    from tests.interpreter.scenes import cross_scene

    return cross_scene()


@pytest.mark.parametrize("mode", ["rgb", "semantic", "depth"])
def test_a_render_on_cuda_is_the_cpu_render(memory, mode: str) -> None:
    from reasmory.memory.render import RenderCamera, render_view

    camera = RenderCamera.from_frame(memory.frames[0], 160, 120)
    cpu, gpu = (render_view(memory, camera, mode, device=d) for d in (CPU, CUDA))
    assert (cpu.object == gpu.object).mean() > 0.995  # ties in the z-buffer may break either way on a few pixels
    both = np.isfinite(cpu.depth) & np.isfinite(gpu.depth)
    assert both.sum() > 0.2 * both.size and np.median(np.abs(cpu.depth[both] - gpu.depth[both])) < 1e-4
    assert np.abs(np.asarray(cpu.image, np.int16) - np.asarray(gpu.image, np.int16)).mean() < 1.0


def test_a_top_down_map_on_cuda_is_the_cpu_map(memory) -> None:
    from reasmory.memory.render import render_bev

    cpu, gpu = (render_bev(memory, "semantic", highlight={1}, device=d) for d in (CPU, CUDA))
    assert cpu.image.size == gpu.image.size and (cpu.object == gpu.object).mean() > 0.995


def _tiny(kind: str) -> tuple:
    from tests.grounding.tiny_models import tiny_grounding_dino, tiny_owlv2

    return tiny_owlv2() if kind == "owlv2" else tiny_grounding_dino()


def _outputs(kind: str, dtypes: tuple) -> dict:
    """Raw (logits, boxes) of one tiny model on one non-square image, per precision, on CUDA."""
    from PIL import Image

    from reasmory.memory.grounding.detectors_models import to_device
    from tests.grounding.tiny_models import LABELS

    model, processor = _tiny(kind)
    image = Image.fromarray(np.random.default_rng(0).integers(0, 255, (96, 160, 3), dtype=np.uint8))
    if kind == "owlv2":
        inputs = processor(text=[[f"a photo of a {label}" for label in LABELS]], images=[image], return_tensors="pt")
    else:
        inputs = processor(images=[image], text=". ".join(LABELS) + ".", return_tensors="pt")
    outputs = {}
    for precision in dtypes:
        half = model.to(device=CUDA, dtype=precision).eval()
        with torch.inference_mode():
            out = half(**to_device(inputs, half))
        outputs[precision] = (out.logits.float().cpu(), out.pred_boxes.float().cpu())
    return outputs


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_owlv2_in_half_precision_follows_fp32(dtype) -> None:
    """One box per image patch, no selection: every output is comparable; random weights amplify rounding in a few."""
    outputs = _outputs("owlv2", (torch.float32, dtype))
    (logits, boxes), (logits_h, boxes_h) = outputs[torch.float32], outputs[dtype]
    assert torch.isfinite(logits_h).all() and torch.isfinite(boxes_h).all()
    scale = float(logits.abs().median()) + 1.0
    assert float((logits_h - logits).abs().median()) < 0.05 * scale
    assert float((boxes_h - boxes).abs().median()) < 0.01


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_grounding_dino_runs_in_half_precision(dtype) -> None:
    """Its queries are the top encoder proposals, which rounding reorders: outputs are checked for sanity, not equality."""
    outputs = _outputs("grounding-dino", (torch.float32, dtype))
    (logits, boxes), (logits_h, boxes_h) = outputs[torch.float32], outputs[dtype]
    assert logits_h.shape == logits.shape and not torch.isnan(logits_h).any()
    assert torch.equal(torch.isfinite(logits), torch.isfinite(logits_h))  # the masked text tokens are the same
    assert ((boxes_h >= 0) & (boxes_h <= 1)).all()


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("kind", ["owlv2", "grounding-dino"])
def test_boxes_and_masks_land_in_place_in_half_precision(kind: str, dtype: str) -> None:
    from reasmory.memory.grounding.detectors import DetectorConfig, TransformersDetector
    from tests.grounding import standins
    from tests.grounding.tiny_models import LABELS, tiny_sam

    parts = _tiny(kind)
    standins.owlv2_head(parts[0], label=0) if kind == "owlv2" else standins.grounding_dino_head(parts[0])
    sam = tiny_sam()
    standins.sam_head(sam[0], input_side=128)
    config = DetectorConfig(labels=LABELS, kind=kind, device="cuda", dtype=dtype, score_threshold=0.5, min_mask_pixels=1)
    (instance,) = TransformersDetector.from_models(config, *parts, *sam).detect([standins.picture(160, 96, (100, 20, 140, 60))])[0]
    truth = np.zeros((96, 160), bool)
    truth[20:60, 100:140] = True
    assert (instance.mask & truth).sum() / (instance.mask | truth).sum() > 0.8
