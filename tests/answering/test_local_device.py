"""The local transformers VLM is loaded onto the configured device (`vlm_device`; auto = CUDA when present).

A tiny randomly initialised Llama with a tokenizer trained here is saved to a folder and loaded the way a user's
model is; where no GPU is present, CUDA is simulated only to see which device the model is sent to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("llguidance")

from reasmory.answering.clients import Message, make_client  # noqa: E402
from reasmory.answering.clients.local import TransformersClient  # noqa: E402
from reasmory.answering.settings import Settings  # noqa: E402
from reasmory.errors import InputError  # noqa: E402


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(["answer(count(objects(\"chair\")))", "how many chairs?"],
                            trainers.BpeTrainer(vocab_size=300, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.add_special_tokens(["<|endoftext|>"])
    tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", pad_token="<|endoftext|>")
    config = transformers.LlamaConfig(vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                      num_attention_heads=2, num_key_value_heads=2, eos_token_id=tokenizer.eos_token_id)
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-llama")
    transformers.LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_the_model_runs_where_it_is_told_and_counts_its_tokens(model_dir: Path) -> None:
    client = TransformersClient.from_pretrained(str(model_dir), device="cpu", max_new_tokens=5)
    assert client.model.device.type == "cpu"
    completion = client.complete([Message(role="user", text="how many chairs?")])
    assert completion.usage.calls == 1 and completion.usage.input_tokens > 0 and 0 < completion.usage.output_tokens <= 5


def test_auto_sends_the_model_to_cuda_when_a_gpu_is_present(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[object] = []
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(transformers.LlamaForCausalLM, "to", lambda self, device: sent.append(device) or self)
    make_client(Settings.load(vlm_backend="transformers", vlm_model=str(model_dir)))
    assert sent == [torch.device("cuda")]
    make_client(Settings.load(vlm_backend="transformers", vlm_model=str(model_dir), vlm_device="cpu"))
    assert sent[-1] == torch.device("cpu")


def test_auto_stays_on_the_cpu_without_a_gpu(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    client = make_client(Settings.load(vlm_backend="transformers", vlm_model=str(model_dir)))
    assert client.model.device.type == "cpu"


def test_a_device_that_is_not_there_is_refused_before_loading(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(InputError, match="sees no CUDA device"):
        TransformersClient.from_pretrained(str(model_dir), device="cuda")
    with pytest.raises(InputError, match="unknown device 'gpu0'"):
        TransformersClient.from_pretrained(str(model_dir), device="gpu0")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_on_a_gpu_machine_the_weights_are_on_the_gpu(model_dir: Path) -> None:
    client = make_client(Settings.load(vlm_backend="transformers", vlm_model=str(model_dir)))
    assert all(p.device.type == "cuda" for p in client.model.parameters())
    assert client.complete([Message(role="user", text="how many chairs?")]).usage.output_tokens > 0
