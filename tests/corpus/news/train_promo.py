"""Train the ads-and-events model (policyradar/tagging/promo_model.py) on the tuning part of this
corpus and write data/promo_model.json. Never reads a held-back item.

    make model                      # installs scikit-learn (the `train` extra), then runs this
    python tests/corpus/news/train_promo.py --folds    # the two-fold check only, writes nothing

``--folds`` trains on one half of the tuning part (the folds of the tuning protocol: last hex digit
of sha1(id) 6-a and b-f) and counts, on the other half, the ads the word lists and the model find
together against the word lists alone, and the rules, news and notices taken for ads.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from policyradar.tagging import CategorySet, Classifier  # noqa: E402
from policyradar.tagging.classifier import SEGMENT_CHARS  # noqa: E402
from policyradar.tagging.promo_model import MODEL_FILE, features  # noqa: E402
from policyradar.tagging.text import segment  # noqa: E402
from tests.test_news_accuracy import ITEMS, _change, is_held_back  # noqa: E402

C = 100.0  # inverse regularisation strength, chosen on the two folds (see README, "Classification")
MIN_DF = 2  # a word must occur in two training texts to be a feature
THRESHOLD = 0.7  # the probability that makes an ad, chosen on the two folds
CHECKS = 12  # items whose probabilities the file keeps, for the test of the pure-Python inference


def item_features(item: dict[str, Any]) -> list[str]:
    """The features the classifier gives the model for this item as a new change."""
    return features(segment(item["title"]), segment(item.get("text", "")[:SEGMENT_CHARS]))


def fit(items: list[dict[str, Any]]) -> tuple[TfidfVectorizer, LogisticRegression]:
    vectorizer = TfidfVectorizer(
        analyzer=lambda feats: feats, min_df=MIN_DF, sublinear_tf=True, norm="l2"
    )
    x = vectorizer.fit_transform([item_features(item) for item in items])
    y = [item["kind"] == "promo" for item in items]
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(x, y)
    return vectorizer, model


def folds() -> None:
    """Train on one fold, count on the other, both ways."""
    categories = CategorySet.load()  # the word lists alone: the shipped model saw both folds
    categories.settings = replace(categories.settings, promo_model=False)
    classifier = Classifier(categories)
    tuning = [item for item in ITEMS if not is_held_back(item["id"])]
    digit = {item["id"]: hashlib.sha1(item["id"].encode()).hexdigest()[-1] for item in tuning}
    halves = {
        "A": [item for item in tuning if digit[item["id"]] in "6789a"],
        "B": [item for item in tuning if digit[item["id"]] in "bcdef"],
    }
    for train, test in (("A", "B"), ("B", "A")):
        vectorizer, model = fit(halves[train])
        probs = model.predict_proba(
            vectorizer.transform([item_features(item) for item in halves[test]])
        )[:, 1]
        counts: dict[str, list[int]] = {}
        for item, prob in zip(halves[test], probs, strict=True):
            words = classifier.classify(_change(item)).is_promo
            row = counts.setdefault(item["kind"], [0, 0, 0])
            row[0] += 1
            row[1] += words
            row[2] += words or prob >= THRESHOLD
        print(
            f"trained on {train}, counted on {test}: "
            + ", ".join(
                f"{kind} {n} flagged {lists} -> {both}"
                for kind, (n, lists, both) in sorted(counts.items())
            )
        )


def train(out: Path) -> None:
    tuning = [item for item in ITEMS if not is_held_back(item["id"])]
    vectorizer, model = fit(tuning)
    vocabulary = vectorizer.vocabulary_
    coef = model.coef_[0]
    names = sorted(vocabulary)
    checks = tuning[:: max(1, len(tuning) // CHECKS)][:CHECKS]
    probs = model.predict_proba(vectorizer.transform([item_features(i) for i in checks]))[:, 1]
    data = {
        "about": "ads-and-events model: TF-IDF + logistic regression, trained by "
        "tests/corpus/news/train_promo.py on the corpus' tuning part only",
        "trained_at": datetime.now(UTC).date().isoformat(),
        "params": {"C": C, "min_df": MIN_DF, "sublinear_tf": True, "class_weight": "balanced"},
        "threshold": THRESHOLD,
        "intercept": float(model.intercept_[0]),
        "idf": {f: float(vectorizer.idf_[vocabulary[f]]) for f in names},
        "coef": {f: float(coef[vocabulary[f]]) for f in names},
        "trained_on": sorted(item["id"] for item in tuning),
        "checks": {item["id"]: float(p) for item, p in zip(checks, probs, strict=True)},
    }
    out.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    promos = sum(item["kind"] == "promo" for item in tuning)
    print(f"{out}: {len(names)} features, {len(tuning)} items ({promos} ads and events)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", action="store_true", help="the two-fold check only")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / MODEL_FILE)
    args = parser.parse_args()
    if args.folds:
        folds()
    else:
        train(args.out)


if __name__ == "__main__":
    main()
