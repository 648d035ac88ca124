"""Train the learned second opinions (policyradar/tagging/textmodel.py) on the tuning part of this
corpus and write data/models/<name>.json. Never reads a held-back item.

    make model                                          # installs scikit-learn, then runs this
    python tests/corpus/news/train_models.py --folds    # the two-fold check only, writes nothing

- ``promo``: trained on every tuning item, yes for an ad or event (kind promo).
- ``news``: trained on the tuning part's rules and news, yes for news.

``--folds`` trains each model on one half of the tuning part (the folds of the tuning protocol: last
hex digit of sha1(id) 6-a and b-f) and counts on the other half what the classifier with its word
lists alone does, and what it does with the model: the ads found and the rules, news and notices
taken for ads; the news marked high and the rules marked high.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from policyradar.tagging import CategorySet, Classifier  # noqa: E402
from policyradar.tagging.classifier import SEGMENT_CHARS  # noqa: E402
from policyradar.tagging.text import segment  # noqa: E402
from policyradar.tagging.textmodel import MODELS_DIR, features  # noqa: E402
from tests.test_news_accuracy import ITEMS, _change, is_held_back  # noqa: E402

MIN_DF = 2  # a word must occur in two training texts to be a feature
CHECKS = 12  # items whose probabilities a file keeps, for the test of the pure-Python inference


@dataclass(frozen=True)
class Spec:
    """What one model learns; C and the threshold were chosen on the two folds (README)."""

    name: str
    kinds: tuple[str, ...]  # the items it is trained on, by kind
    yes: str  # the kind it says yes to
    c: float
    threshold: float
    low: float | None = None  # at or below this probability the answer is a confident no


SPECS = (
    Spec("promo", ("rule", "notice", "news", "promo"), "promo", 100.0, 0.7),
    Spec("news", ("rule", "news"), "news", 30.0, 0.6, low=0.2),
)


def item_features(item: dict[str, Any]) -> list[str]:
    """The features the classifier gives the models for this item as a new change."""
    return features(segment(item["title"]), segment(item.get("text", "")[:SEGMENT_CHARS]))


def fit(spec: Spec, items: list[dict[str, Any]]) -> tuple[TfidfVectorizer, LogisticRegression]:
    items = [item for item in items if item["kind"] in spec.kinds]
    vectorizer = TfidfVectorizer(
        analyzer=lambda feats: feats, min_df=MIN_DF, sublinear_tf=True, norm="l2"
    )
    x = vectorizer.fit_transform([item_features(item) for item in items])
    y = [item["kind"] == spec.yes for item in items]
    model = LogisticRegression(C=spec.c, class_weight="balanced", max_iter=5000).fit(x, y)
    return vectorizer, model


def _words_only() -> Classifier:
    """The classifier without the shipped models (they were trained on both folds)."""
    categories = CategorySet.load()
    categories.settings = replace(categories.settings, promo_model=False, news_model=False)
    return Classifier(categories)


def folds() -> None:
    """Train on one fold, count on the other, both ways."""
    classifier = _words_only()
    tuning = [item for item in ITEMS if not is_held_back(item["id"])]
    digit = {item["id"]: hashlib.sha1(item["id"].encode()).hexdigest()[-1] for item in tuning}
    halves = {
        "A": [item for item in tuning if digit[item["id"]] in "6789a"],
        "B": [item for item in tuning if digit[item["id"]] in "bcdef"],
    }
    for spec in SPECS:
        for train, test in (("A", "B"), ("B", "A")):
            vectorizer, model = fit(spec, halves[train])
            items = halves[test]
            probs = model.predict_proba(vectorizer.transform([item_features(i) for i in items]))
            counts: dict[str, list[int]] = {}
            for item, prob in zip(items, probs[:, 1], strict=True):
                tags = classifier.classify(_change(item))
                if spec.name == "promo":
                    before, after = tags.is_promo, tags.is_promo or prob >= spec.threshold
                else:  # high stays high only when the model does not read it as coverage
                    before = tags.urgency == "high"
                    after = before and not (prob >= spec.threshold and not tags.watch_hits)
                row = counts.setdefault(item["kind"], [0, 0, 0])
                row[0] += 1
                row[1] += before
                row[2] += after
            what = "flagged as ads" if spec.name == "promo" else "marked high"
            print(
                f"{spec.name}: trained on {train}, counted on {test}, {what}: "
                + ", ".join(
                    f"{kind} {b} -> {a} of {n}" for kind, (n, b, a) in sorted(counts.items())
                )
            )


def train(spec: Spec, out: Path) -> None:
    tuning = [item for item in ITEMS if not is_held_back(item["id"])]
    vectorizer, model = fit(spec, tuning)
    trained = [item for item in tuning if item["kind"] in spec.kinds]
    vocabulary = vectorizer.vocabulary_
    coef = model.coef_[0]
    names = sorted(vocabulary)
    checks = trained[:: max(1, len(trained) // CHECKS)][:CHECKS]
    probs = model.predict_proba(vectorizer.transform([item_features(i) for i in checks]))[:, 1]
    data = {
        "about": f"{spec.name} model: TF-IDF + logistic regression, yes for kind {spec.yes!r},"
        " trained by tests/corpus/news/train_models.py on the corpus' tuning part only",
        "trained_at": datetime.now(UTC).date().isoformat(),
        "params": {
            "C": spec.c,
            "min_df": MIN_DF,
            "sublinear_tf": True,
            "class_weight": "balanced",
            "kinds": list(spec.kinds),
        },
        "threshold": spec.threshold,
        "low": spec.low,
        "intercept": float(model.intercept_[0]),
        "idf": {f: float(vectorizer.idf_[vocabulary[f]]) for f in names},
        "coef": {f: float(coef[vocabulary[f]]) for f in names},
        "trained_on": sorted(item["id"] for item in trained),
        "checks": {item["id"]: float(p) for item, p in zip(checks, probs, strict=True)},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    yes = sum(item["kind"] == spec.yes for item in trained)
    print(f"{out}: {len(names)} features, {len(trained)} items ({yes} {spec.yes})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", action="store_true", help="the two-fold check only")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / MODELS_DIR)
    args = parser.parse_args()
    if args.folds:
        folds()
        return
    for spec in SPECS:
        train(spec, args.out / f"{spec.name}.json")


if __name__ == "__main__":
    main()
