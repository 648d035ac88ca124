"""Learned second opinions: logistic regression over TF-IDF word features.

The word lists of ``categories.toml`` read a text's wording. Some of what matters has none: many
real ads carry no ad wording (a logistics firm's guide to FBA prep, a VAT agent's service page, a
platform's new-seller programme page), and coverage of a rule often reads like the rule. Two small
models read the words a text is made of instead:

- ``promo``: is this new article an ad or an event? (the word lists did not say so)
- ``news``: does this new article that the rules call urgent read like coverage rather than a
  notice? Then it is at most medium: a report needs a watch hit or a date to be urgent. And one
  the rules call news that reads like a rule (a probability at most ``low``) is a rule, medium.

Each is trained on the tuning part of the labelled news corpus only
(``tests/corpus/news/train_models.py``, scikit-learn) and shipped as ``data/models/<name>.json``:
each feature's idf and coefficient, the intercept and the decision threshold. It is applied here in
pure Python, the way scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` and
``LogisticRegression`` compute it: term counts ``1 + ln(n)`` times idf, scaled to unit length,
dotted with the coefficients.
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

MODELS_DIR = "models"
MODELS = ("promo", "news")
TITLE_MARK = "T_"  # a title's words are features of their own: "T_webinar" is not "webinar"


def features(title_tokens: Iterable[str], body_tokens: Iterable[str]) -> list[str]:
    """The models' features: the title's words marked, then the body's (lower case); the
    classifier gives them the tokens of the title and of the main text's opening
    (``SEGMENT_CHARS``).
    """
    return [TITLE_MARK + t for t in word_tokens(title_tokens)] + word_tokens(body_tokens)


@dataclass(frozen=True, slots=True)
class TextModel:
    """Per feature (idf, coefficient), the intercept, the probability that says yes and, for a
    model that also says no with confidence, the probability at or below which it does.
    """

    weights: Mapping[str, tuple[float, float]]
    intercept: float
    threshold: float
    low: float | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TextModel:
        idf, coef = data["idf"], data["coef"]
        return cls(
            weights={f: (float(idf[f]), float(coef[f])) for f in idf},
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            low=float(data["low"]) if data.get("low") is not None else None,
        )

    @classmethod
    def load(cls, name: str) -> TextModel:
        """A bundled model: ``promo`` or ``news``."""
        with data_path(MODELS_DIR, f"{name}.json").open(encoding="utf-8") as fh:
            return cls.from_json(json.load(fh))

    def probability(self, feats: Iterable[str]) -> float:
        """The probability of a yes for a text with these features."""
        weights = self.weights
        counts = Counter(f for f in feats if f in weights)
        z = self.intercept
        if counts:
            values = {f: (1.0 + math.log(n)) * weights[f][0] for f, n in counts.items()}
            norm = math.sqrt(sum(v * v for v in values.values()))
            z += sum(v * weights[f][1] for f, v in values.items()) / norm
        return 1.0 / (1.0 + math.exp(-z))

    def says(self, feats: Iterable[str]) -> bool:
        return self.probability(feats) >= self.threshold
