"""The encoder's hand-off to its own thread: a question's model run starts at once."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest

from bot.core.settings import load_settings
from bot.features.faq.embedding import Encoder, open_encoder


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
