"""Sentence embeddings for the FAQ matcher: the built MiniLM model run by onnxruntime.

One thread, no PyTorch, nothing downloaded: model_build.py installs the model the project
ships (fine-tuned by bench/finetune). Vectors are mean-pooled and L2-normalised (as
sentence-transformers does), so a dot product is a cosine. Labels (titles, aliases, the
ranker's example and off-topic questions) are embedded once per text and kept in a file beside
the model, not in memory: a start-up or a `/kb reload` reads it, embeds only what changed, and
the index it builds holds the only copy of the rows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from bot.features.faq.model_build import BuiltModel, build, existing

log = logging.getLogger(__name__)

MAX_TOKENS = 128  # members' questions are short; longer posts are cut here
LABEL_CACHE = "labels.npz"


def open_encoder(folder: Path) -> Encoder:
    """The encoder for the model installed in `folder`, installing it first if needed (once:
    `make` does it). Raises model_build.ModelBuildError on a broken install."""
    if existing(folder) is None:
        log.info("installing the FAQ embedding model in %s (once)", folder)
    return Encoder(build(folder))


class Encoder:
    """Text -> unit vector, and label texts -> rows through the file beside the model."""

    def __init__(self, model: BuiltModel) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(model.model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(model.tokenizer))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()
        self.model_sha256 = model.sha256
        self._cache_file = model.folder / LABEL_CACHE
        # One worker: questions are embedded here while the caller ranks lexically.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faq-embedding")
        # Rows the file could not take (a read-only folder): kept so a reload doesn't redo them.
        self._unsaved: dict[str, np.ndarray] = {}
        self.dimensions = int(self.encode_one("warm up").shape[0])

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode_parts(text, ())[0]

    def submit_parts(
        self, text: str, spans: Sequence[tuple[int, int]]
    ) -> Future[tuple[np.ndarray, list[np.ndarray]]]:
        """encode_parts on the encoder's own thread, returning once the model runs there.

        The caller then works in Python while the model runs (onnxruntime releases the GIL), but
        a thread holding the GIL keeps a new one from starting for up to the interpreter's
        switch interval: waiting here until the model has started hands it the GIL at once
        (measured: the model started ~2 ms late on a long post, docs/faq-matcher.md)."""
        running = threading.Event()
        future = self._worker.submit(self.encode_parts, text, spans, running)
        running.wait()
        return future

    def encode_parts(
        self, text: str, spans: Sequence[tuple[int, int]], running: threading.Event | None = None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """The text's vector, and one per character span from the same run (each the mean of the
        tokens inside it): the pieces of a post cost nothing more than the post. `running` is
        set just before the model runs (or on failure before it)."""
        try:
            encoding = self._tokenizer.encode(text)
            ids = np.array([encoding.ids], dtype=np.int64)
            ones = np.ones_like(ids)
            feeds = {
                "input_ids": ids,
                "attention_mask": ones,
                "token_type_ids": np.zeros_like(ids),
            }
        finally:
            if running is not None:
                running.set()
        hidden = self._session.run(None, feeds)[0][0]
        pieces = []
        for start, end in spans:
            inside = [
                k
                for k, (a, b) in enumerate(encoding.offsets)
                if b > a and a >= start and b <= end and encoding.special_tokens_mask[k] == 0
            ]
            pieces.append(
                _unit(hidden[inside].mean(axis=0)) if inside else _unit(hidden.mean(axis=0))
            )
        return _unit(hidden.mean(axis=0)), pieces

    def encode_many(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for `texts`, one run each: activations are quantized per run, so a padded batch
        would give slightly different vectors than the same text asked alone."""
        if not texts:
            return np.zeros((0, self.dimensions), np.float32)
        return np.stack([self.encode_one(t) for t in texts])

    def label_matrix(self, labels: Sequence[str]) -> np.ndarray:
        """Unit rows for the labels, in order. Known texts come from the file beside the model,
        new ones are embedded and the file rewritten; nothing stays in memory afterwards (about
        12 MB of rows would otherwise sit twice in the idle bot)."""
        if not labels:
            return np.zeros((0, self.dimensions), np.float32)
        known = self._read_cache() | self._unsaved
        missing = list(dict.fromkeys(t for t in labels if t not in known))
        if missing:
            fresh = dict(zip(missing, self.encode_many(missing), strict=True))
            known |= fresh
            if self._write_cache(known):
                self._unsaved.clear()
            else:
                self._unsaved |= fresh
        return np.stack([known[t] for t in labels])

    def _read_cache(self) -> dict[str, np.ndarray]:
        try:
            with np.load(self._cache_file, allow_pickle=False) as data:
                if str(data["model"]) != self.model_sha256:
                    return {}
                return dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
        except (OSError, KeyError, ValueError):
            return {}

    def _write_cache(self, rows: dict[str, np.ndarray]) -> bool:
        """Best effort: a read-only folder costs memory and a slower next start, never a
        failure. True when the file now holds `rows`."""
        texts = sorted(rows)
        vectors = np.stack([rows[t] for t in texts])
        partial = self._cache_file.with_suffix(".tmp.npz")
        try:
            np.savez(partial, model=self.model_sha256, texts=np.array(texts), vectors=vectors)
            partial.replace(self._cache_file)
        except OSError as exc:
            log.warning("could not keep label embeddings in %s: %s", self._cache_file, exc)
            return False
        return True


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.clip(norm, 1e-12, None)
