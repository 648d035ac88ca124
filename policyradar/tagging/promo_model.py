"""A learned second opinion on ads and events: logistic regression over TF-IDF word features.

The ``[promo]`` word lists catch an ad by its wording (labels, strong words, cue families). Many
real promotions have none: a logistics firm's guide to FBA prep, a VAT agent's service page, a
platform's new-seller programme page. The model reads the words a text is made of instead. It is
trained on the tuning part of the labelled news corpus only (``tests/corpus/news/train_promo.py``,
scikit-learn) and shipped as ``data/promo_model.json``: each feature's idf and coefficient, the
intercept and the decision threshold. It is applied here in pure Python, the way scikit-learn's
``TfidfVectorizer(sublinear_tf=True)`` and ``LogisticRegression`` compute it: term counts
``1 + ln(n)`` times idf, scaled to unit length, dotted with the coefficients.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policyradar.resources import data_path
from policyradar.tagging.text import word_tokens

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

logger = logging.getLogger(__name__)

MODEL_FILE = "promo_model.json"
TITLE_MARK = "T_"  # a title's words are features of their own: "T_webinar" is not "webinar"


def features(title_tokens: Iterable[str], body_tokens: Iterable[str]) -> list[str]:
    """The model's features: the title's words marked, then the body's (lower case); the
    classifier gives it the tokens of the title and of the main text's opening (``SEGMENT_CHARS``).
    """
    return [TITLE_MARK + t for t in word_tokens(title_tokens)] + word_tokens(body_tokens)


@dataclass(frozen=True, slots=True)
class PromoModel:
    """Per feature (idf, coefficient), the intercept, and the probability that makes an ad."""

    weights: Mapping[str, tuple[float, float]]
    intercept: float
    threshold: float

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PromoModel:
        idf, coef = data["idf"], data["coef"]
        return cls(
            weights={f: (float(idf[f]), float(coef[f])) for f in idf},
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
        )

    @classmethod
    def load(cls) -> PromoModel:
        """The bundled model."""
        with data_path(MODEL_FILE).open(encoding="utf-8") as fh:
            return cls.from_json(json.load(fh))

    def probability(self, feats: Iterable[str]) -> float:
        """The probability that a text with these features is an ad or an event."""
        weights = self.weights
        counts = Counter(f for f in feats if f in weights)
        z = self.intercept
        if counts:
            values = {f: (1.0 + math.log(n)) * weights[f][0] for f, n in counts.items()}
            norm = math.sqrt(sum(v * v for v in values.values()))
            z += sum(v * weights[f][1] for f, v in values.items()) / norm
        return 1.0 / (1.0 + math.exp(-z))

    def is_promo(self, feats: Iterable[str]) -> bool:
        return self.probability(feats) >= self.threshold
