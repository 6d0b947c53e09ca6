"""The encoder's hand-off to its own thread (a question's model run starts at once), and its
label rows, kept in the file beside the model rather than in memory."""

from __future__ import annotations

import dataclasses
import gc
import threading
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.core.settings import load_settings
from bot.features.faq.embedding import LABEL_CACHE, Encoder, open_encoder
from bot.features.faq.model_build import existing


class _Recording:
    """The real tokenizer, noting each text it is asked to encode (or failing on purpose)."""

    def __init__(self, inner: Any, fail: bool = False) -> None:
        self.inner, self.fail = inner, fail
        self.seen: list[str] = []

    def encode(self, text: str) -> Any:
        self.seen.append(text)
        if self.fail:
            raise RuntimeError("tokenizer broke")
        return self.inner.encode(text)


@pytest.fixture
def own_encoder() -> Encoder:
    """An encoder of its own (its tokenizer is wrapped below), on the model the suite built."""
    return open_encoder(load_settings(_env_file=None).embedding_dir)


def test_submit_returns_once_the_model_has_started_on_the_encoder_thread(
    own_encoder: Encoder,
) -> None:
    # Without the hand-off, the encoder thread waits for the GIL while the caller ranks the
    # question lexically in Python: the model started ~2 ms late on a long post.
    own_encoder.submit_parts("warm the thread up", []).result()
    recording = _Recording(own_encoder._tokenizer)
    own_encoder._tokenizer = recording
    future = own_encoder.submit_parts("does running build muscle", [(0, 12)])
    # No blocking call since submit_parts returned: only the hand-off can have let it run.
    assert recording.seen == ["does running build muscle"]
    vector, pieces = future.result()
    assert np.allclose(vector, own_encoder.encode_parts("does running build muscle", [])[0])
    assert len(pieces) == 1


def test_a_failure_before_the_model_runs_reaches_the_caller_without_a_hang(
    own_encoder: Encoder,
) -> None:
    own_encoder._tokenizer = _Recording(own_encoder._tokenizer, fail=True)
    outcome: list[BaseException] = []

    def ask() -> None:
        try:
            own_encoder.submit_parts("does running build muscle", []).result()
        except RuntimeError as exc:
            outcome.append(exc)

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    asker.join(timeout=10)
    assert not asker.is_alive(), "submit_parts hung on a failed tokenization"
    assert [str(e) for e in outcome] == ["tokenizer broke"]


@pytest.fixture
def fresh_encoder(tmp_path: Path) -> Encoder:
    """An encoder on the suite's model whose label file lives in `tmp_path` (empty at first)."""
    built = existing(load_settings(_env_file=None).embedding_dir)
    assert built is not None
    return Encoder(dataclasses.replace(built, folder=tmp_path))


def _counting(encoder: Encoder) -> list[str]:
    """Every text `encoder` embeds from now on."""
    embedded: list[str] = []
    encode_many = encoder.encode_many

    def counted(texts: Any) -> np.ndarray:
        embedded.extend(texts)
        return encode_many(texts)

    encoder.encode_many = counted  # type: ignore[method-assign]
    return embedded


LABELS = [f"label number {i} about hill sprints" for i in range(300)]


def test_label_rows_are_embedded_once_and_kept_in_the_file_not_in_memory(
    fresh_encoder: Encoder, tmp_path: Path
) -> None:
    embedded = _counting(fresh_encoder)
    gc.collect()
    tracemalloc.start()
    try:
        rows = fresh_encoder.label_matrix(LABELS)
        again = fresh_encoder.label_matrix([*LABELS[:5], "one new label", LABELS[7]])
        held = rows.nbytes + again.nbytes
        peak_use, _ = tracemalloc.get_traced_memory()
        del rows, again
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert embedded == [*LABELS, "one new label"]  # the file answered for the known ones
    assert (tmp_path / LABEL_CACHE).is_file()
    # The index built from the rows holds the only copy: the encoder keeps none of the 301
    # rows (~460 kB) once the caller lets go of them.
    assert held > 400_000 and peak_use >= held
    assert after < 100_000, after
    row = fresh_encoder.label_matrix(["one new label"])[0]
    assert np.allclose(row, fresh_encoder.encode_one("one new label"), atol=1e-6)


def test_a_label_file_that_cannot_be_written_costs_memory_not_a_second_embedding(
    fresh_encoder: Encoder, tmp_path: Path
) -> None:
    # The file is written beside itself first, then moved into place: a folder where that
    # partial file would go makes the write fail even for root.
    (tmp_path / LABEL_CACHE).with_suffix(".tmp.npz").mkdir()
    embedded = _counting(fresh_encoder)
    first = fresh_encoder.label_matrix(LABELS[:10])
    second = fresh_encoder.label_matrix(LABELS[:10])
    assert embedded == LABELS[:10] and not (tmp_path / LABEL_CACHE).exists()
    assert np.array_equal(first, second)
