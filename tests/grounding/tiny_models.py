"""Tiny randomly initialised OWLv2, Grounding DINO and SAM models with offline tokenizers (no weights, no network).

Shared by the detector tests and the answer() tests that ground through a real detector path.
"""

import json

import torch
import transformers

LABELS = ("chair", "table", "tv", "sofa", "trash bin")


def clip_tokenizer() -> transformers.CLIPTokenizer:
    """A byte-level BPE trained on the prompts; special tokens last (OWLv2 ignores queries whose first id is 0)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    bpe = Tokenizer(models.BPE(end_of_word_suffix="</w>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=400, end_of_word_suffix="</w>", show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator([f"a photo of a {label}" for label in LABELS], trainer)
    model = json.loads(bpe.to_str())["model"]
    vocab = dict(model["vocab"])
    vocab |= {"<|startoftext|>": len(vocab), "<|endoftext|>": len(vocab) + 1}
    return transformers.CLIPTokenizer(vocab=vocab, merges=[tuple(m) for m in model["merges"]], model_max_length=16)


def bert_tokenizer() -> transformers.BertTokenizer:
    """A WordPiece vocab with BERT's ids for [CLS], [SEP], '.' and '?' (Grounding DINO splits phrases on them)."""
    special = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103, ".": 1012, "?": 1029}
    words = sorted({w for label in LABELS for w in label.split()})
    named = special | {w: 200 + i for i, w in enumerate(words)}
    by_id = {i: token for token, i in named.items()}
    return transformers.BertTokenizer(vocab={by_id.get(i, f"[unused{i}]"): i for i in range(1030)}, model_max_length=32)


def tiny_owlv2() -> tuple:
    tokenizer = clip_tokenizer()
    eos = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = transformers.Owlv2Config(
        text_config={"vocab_size": len(tokenizer), "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
                         "num_attention_heads": 2, "max_position_embeddings": 16, "bos_token_id": eos - 1, "eos_token_id": eos,
                         "pad_token_id": eos},
        vision_config={"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2,
                           "image_size": 128, "patch_size": 16},
        projection_dim=32,
    )
    torch.manual_seed(0)
    processor = transformers.Owlv2Processor(transformers.Owlv2ImageProcessorPil(size={"height": 128, "width": 128}), tokenizer)
    return transformers.Owlv2ForObjectDetection(config), processor


def tiny_grounding_dino() -> tuple:
    tokenizer = bert_tokenizer()
    config = transformers.GroundingDinoConfig(
        d_model=32, encoder_layers=1, decoder_layers=2, encoder_attention_heads=2, decoder_attention_heads=2,
        encoder_ffn_dim=32, decoder_ffn_dim=32, num_queries=20, num_feature_levels=2, encoder_n_points=2,
        decoder_n_points=2, max_text_len=32, disable_custom_kernels=True,
        backbone_config={"model_type": "swin", "embed_dim": 8, "depths": [1, 1], "num_heads": [1, 1], "window_size": 4,
                             "image_size": 128, "out_indices": [1, 2]},
        text_config={"model_type": "bert", "vocab_size": len(tokenizer), "hidden_size": 32, "num_hidden_layers": 1,
                         "num_attention_heads": 2, "intermediate_size": 32, "max_position_embeddings": 32},
    )
    torch.manual_seed(0)
    image_processor = transformers.GroundingDinoImageProcessorPil(size={"shortest_edge": 96, "longest_edge": 128})
    return transformers.GroundingDinoForObjectDetection(config), transformers.GroundingDinoProcessor(image_processor, tokenizer)


def tiny_sam() -> tuple:
    config = transformers.SamConfig(
        vision_config={"hidden_size": 32, "output_channels": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                           "image_size": 128, "patch_size": 16, "window_size": 4, "global_attn_indexes": [0], "num_pos_feats": 16,
                           "mlp_dim": 64, "initializer_range": 0.02},  # the default 1e-10 makes denormals, slow on CPUs
        prompt_encoder_config={"hidden_size": 32, "image_size": 128, "patch_size": 16, "mask_input_channels": 4},
        mask_decoder_config={"hidden_size": 32, "mlp_dim": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                                 "iou_head_hidden_dim": 32},
    )
    torch.manual_seed(0)
    image_processor = transformers.SamImageProcessorPil(size={"longest_edge": 128}, pad_size={"height": 128, "width": 128})
    return transformers.SamModel(config), transformers.SamProcessor(image_processor)


def save(parts: tuple, folder) -> str:
    """A model and its processor saved as a local checkpoint folder (what a user points the settings at)."""
    model, processor = parts
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return str(folder)
