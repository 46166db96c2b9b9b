"""The onnx-int8 embedding backend: the packaged model exported once to ONNX, fused and quantized to int8;
and the same export left in fp32, which embeds questions for the torch backend (`query_embedding`).

The export runs offline from the local weights (torch.onnx.export), fuses attention, GELU and layer
norms with onnxruntime's transformer optimizer, and quantizes the weight matrices to int8 per output
channel (dynamic quantization: activations are scaled per batch at run time). It is written under
`<cache_dir>/models/onnx-int8-<fingerprint>/`, the fingerprint covering the weights, this recipe and the
torch and onnxruntime versions, so the same inputs give the same file and a change gives a new one.

The fp32 export (`<cache_dir>/models/onnx-fp32-<fingerprint>/`) is the traced graph as torch exports it, not
fused and not quantized: the same arithmetic as the torch backend, so its vectors equal torch's to float
rounding (max difference ~2e-7 measured; tests/index/test_embedding_backend.py), and a question costs a
third of torch's time on one thread (11 vs 33 ms p50, same run; docs/scaling.md) because onnxruntime runs
the graph without torch's per-module Python.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime

# Bumped whenever export_int8 would write a different model from the same weights (its directory name holds it).
INT8_RECIPE = 1
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxRuntime:
    """The exported int8 model in onnxruntime; tokenizes as sentence-transformers does (longest first,
    truncated to the model's max_seq_length) and runs batches of similar length (less padding)."""

    def __init__(self, model_path: Path, export_dir: Path, threads: int = 0) -> None:
        import torch
        from transformers import AutoTokenizer

        meta = json.loads((export_dir / "meta.json").read_text(encoding="utf-8"))
        self.dimensions, self.max_length = int(meta["dimensions"]), int(meta["max_seq_length"])
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_path), local_files_only=True)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()  # by default the same threads torch would use
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(export_dir / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def embed(self, texts: list[str], batch_size: int) -> np.ndarray:
        order = np.argsort([-len(text) for text in texts], kind="stable")
        out = np.empty((len(texts), self.dimensions), dtype=np.float32)
        for i in range(0, len(texts), batch_size):
            rows = order[i : i + batch_size]
            encoded = self.tokenizer(
                [texts[r].strip() for r in rows],
                padding=True,
                truncation="longest_first",
                max_length=self.max_length,
                return_tensors="np",
            )
            feed = {name: encoded[name].astype(np.int64) for name in _INPUTS if name in encoded}
            out[rows] = self.session.run(None, feed)[0]
        return out


def _model_fingerprint(model_path: Path) -> str:
    """The weights and configs the export reads, and the versions of what writes it."""
    import torch

    digest = hashlib.sha256(f"recipe {INT8_RECIPE} torch {torch.__version__} ort {onnxruntime.__version__}".encode())
    for path in sorted(p for p in model_path.rglob("*") if p.is_file() and p.suffix in {".json", ".safetensors", ".txt", ".bin"}):
        digest.update(str(path.relative_to(model_path)).encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def int8_export_dir(model_path: Path, cache_dir: Path) -> Path:
    return cache_dir / "models" / f"onnx-int8-{_model_fingerprint(model_path)}"


def fp32_export_dir(model_path: Path, cache_dir: Path) -> Path:
    return cache_dir / "models" / f"onnx-fp32-{_model_fingerprint(model_path)}"


def export_int8(model_path: Path, cache_dir: Path) -> Path:
    """Export the packaged model to ONNX int8 under `cache_dir` once (offline; the same bytes each time
    from the same weights and versions) and return its directory; later calls find it there."""
    return _export_once(model_path, int8_export_dir(model_path, cache_dir), quantize=True)


def export_fp32(model_path: Path, cache_dir: Path) -> Path:
    """The same export in fp32 (traced, neither fused nor quantized), once, under `cache_dir`."""
    return _export_once(model_path, fp32_export_dir(model_path, cache_dir), quantize=False)


def _export_once(model_path: Path, target: Path, quantize: bool) -> Path:
    if (target / "meta.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / ".export.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two processes starting at once export once
        if (target / "meta.json").is_file():
            return target
        work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
        try:
            meta = _export(model_path, work, quantize)
            (work / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
            shutil.rmtree(target, ignore_errors=True)  # a leftover without meta.json is not a finished export
            os.replace(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


def _export(model_path: Path, work: Path, quantize: bool = True) -> dict:
    import warnings

    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    st = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    kinds = [type(module).__name__ for module in st]
    mode = getattr(st[1], "pooling_mode", None) if len(kinds) > 1 else None
    modes = tuple([mode] if isinstance(mode, str) else mode or ())
    if kinds[:2] != ["Transformer", "Pooling"] or modes != ("mean",) or kinds[2:] not in ([], ["Normalize"]):
        raise ValueError(f"onnx-int8 supports mean-pooled transformer models; {model_path.name} is {kinds}")
    # Eager attention: the pattern onnxruntime's optimizer fuses into one Attention node.
    bert = AutoModel.from_pretrained(str(model_path), attn_implementation="eager", local_files_only=True).eval()
    config = bert.config

    class Pooled(torch.nn.Module):
        """The encoder with sentence-transformers' mean pooling and normalisation, so the graph gives the vector."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    sample = st.tokenizer(["an example", "a longer example sentence"], padding=True, return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    fp32, fused, final = work / "fp32.onnx", work / "fused.onnx", work / "model.onnx"
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(),
            tuple(sample[name] for name in _INPUTS),
            str(fp32),
            input_names=list(_INPUTS),
            output_names=["embedding"],
            dynamic_axes={**axes, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
        if not quantize:  # fp32: the traced graph as it is (fusing it measured slower on one thread: 13 vs 11 ms)
            fp32.rename(final)
            return _meta(model_path, st, final, quantize)
        optimized = optimize_model(
            str(fp32), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size
        )
        optimized.save_model_to_file(str(fused))
        # Only weight matrices (MatMul with a constant B), per output channel: the attention products stay fp32.
        root, advice = logging.getLogger(), lambda record: "pre-processing" not in record.getMessage()
        root.addFilter(advice)  # its advice to run shape pre-processing concerns static quantization
        try:
            quantize_dynamic(
                str(fused),
                str(final),
                per_channel=True,
                weight_type=QuantType.QInt8,
                op_types_to_quantize=["MatMul"],
                extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT},
            )
        finally:
            root.removeFilter(advice)
    fp32.unlink()
    fused.unlink()
    return _meta(model_path, st, final, quantize)


def _meta(model_path: Path, st, final: Path, quantize: bool) -> dict:  # noqa: ANN001 - a SentenceTransformer
    import torch

    return {
        "model": str(model_path),
        "recipe": INT8_RECIPE,
        "dimensions": int(st.get_embedding_dimension()),
        "max_seq_length": int(st.max_seq_length),
        "torch": torch.__version__,
        "onnxruntime": onnxruntime.__version__,
        "sha256": hashlib.sha256(final.read_bytes()).hexdigest(),
        "precision": "int8" if quantize else "fp32",
    }
