"""Similar ideas, as pure computation (no Django): character n-gram TF-IDF with
cosine similarity. Character n-grams need no word segmentation, so the same code
serves English and Chinese (and mixed text).

An Index is built once from a challenge's ideas and answers queries in
milliseconds; callers cache it until the set of ideas changes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


def normalise(text: str) -> str:
    # NFKC folds full-width Latin and punctuation (common in Chinese input) to ASCII.
    return unicodedata.normalize("NFKC", text or "").lower()


@dataclass(frozen=True)
class Match:
    id: int
    score: float


class Index:
    def __init__(self, documents: Sequence[tuple[int, str]]) -> None:
        self.ids = np.array([doc_id for doc_id, _text in documents], dtype=np.int64)
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 4),
            preprocessor=normalise,
            sublinear_tf=True,
            min_df=1,
            dtype=np.float32,
        )
        texts = [text for _doc_id, text in documents]
        self.matrix = self.vectorizer.fit_transform(texts) if texts else None

    def query(
        self, text: str, *, k: int = 5, exclude: int | None = None, min_score: float = 0.05
    ) -> list[Match]:
        """The k documents most similar to `text`, best first (cosine of the
        L2-normalised TF-IDF vectors)."""
        if self.matrix is None or not normalise(text).strip():
            return []
        vector = self.vectorizer.transform([text])
        scores = (self.matrix @ vector.T).toarray().ravel()
        if exclude is not None:
            scores[self.ids == exclude] = 0.0
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Match(int(self.ids[i]), float(scores[i])) for i in top if scores[i] >= min_score]
