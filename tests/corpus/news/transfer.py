"""How far what is learned from one half of the tuning part carries to the other. Never reads a
held-back item; writes nothing.

    python tests/corpus/news/transfer.py        # needs scikit-learn (the `train` extra)

The folds are the tuning protocol's (last hex digit of sha1(id) 6-a and b-f). Three checks, each
fitted on one fold and counted on the other, both ways:

- **mined terms**: words (the classifier's own tokens) that occur in at least ``n`` items of the
  fold, at least ``p`` of them of one main category, added to that category through a user's
  ``categories.toml`` (the product's own path) as ``normal`` or ``strong`` terms; top category
  right.
- **a category model**: logistic regression over the ads model's word features, trained on the
  fold's items with a topic (not ``other``): alone, top category right among the other fold's items
  with a topic; and the classifier's answer where it found none (a rule filed under ``other``)
  replaced by the model's when the model is sure (probability >= 0.5).
- **character n-grams for ads**: the ads model's recipe on characters (2-4, within words) instead of
  words: ROC AUC on the other fold, and the ads flagged with the word lists at the highest threshold
  that flags no more than 2 % of the fold's rules.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from train_models import SPECS, _words_only, fit, item_features  # noqa: E402

from policyradar.tagging import Classifier  # noqa: E402
from policyradar.tagging.categories import OTHER  # noqa: E402
from tests.test_news_accuracy import ITEMS, _change, is_held_back  # noqa: E402

Item = dict[str, Any]
MINED = ((3, 0.8, "normal"), (2, 0.6, "normal"), (2, 0.7, "strong"), (3, 0.6, "strong"))
SURE = 0.5  # the category model's probability that fills a rule the word lists left under "other"
RULES_AS_ADS = 0.02
CHAR_C = 30.0


def halves() -> dict[str, list[Item]]:
    tuning = [item for item in ITEMS if not is_held_back(item["id"])]
    digit = {item["id"]: hashlib.sha1(item["id"].encode()).hexdigest()[-1] for item in tuning}
    return {
        "A": [item for item in tuning if digit[item["id"]] in "6789a"],
        "B": [item for item in tuning if digit[item["id"]] in "bcdef"],
    }


def main_category(item: Item) -> str:
    return item["categories"][0]


def right(classifier: Classifier, items: list[Item]) -> int:
    return sum(classifier.classify(_change(i)).categories[0] == main_category(i) for i in items)


def mined_terms(items: list[Item], least: int, share: float) -> dict[str, list[str]]:
    """Words of at least ``least`` items, at least ``share`` of them of one topic."""
    seen: Counter[str] = Counter()
    by_category: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        for word in {w for w in item_features(item) if len(w) >= 2 and not w.isdigit()}:
            word = word.removeprefix("T_")
            seen[word] += 1
            by_category[word][main_category(item)] += 1
    terms: dict[str, list[str]] = defaultdict(list)
    for word, n in seen.items():
        category, k = by_category[word].most_common(1)[0]
        if category != OTHER and k >= least and k / n >= share:
            terms[category].append(word)
    return terms


def with_terms(terms: dict[str, list[str]], tier: str) -> Classifier:
    """The shipped classifier with ``terms`` added through a user's categories.toml."""
    with tempfile.TemporaryDirectory() as home:
        lines = [f"[category.{cid}]\n{tier} = {json.dumps(w)}\n" for cid, w in terms.items()]
        (Path(home) / "categories.toml").write_text("\n".join(lines), encoding="utf-8")
        return Classifier.load(Path(home))


def check_mined(folds: dict[str, list[Item]]) -> None:
    shipped = Classifier.load()
    base = {name: right(shipped, items) for name, items in folds.items()}
    print("mined terms (top category right on the other fold; on the fold mined from)")
    for least, share, tier in MINED:
        cells = []
        for train, test in (("A", "B"), ("B", "A")):
            terms = mined_terms(folds[train], least, share)
            classifier = with_terms(terms, tier)
            count = sum(map(len, terms.values()))
            cells.append(
                f"{train}->{test}: {count} terms, {base[test]} -> {right(classifier, folds[test])}"
                f" ({base[train]} -> {right(classifier, folds[train])})"
            )
        print(f"  n>={least} p>={share} {tier}: " + "; ".join(cells))


def check_category_model(folds: dict[str, list[Item]]) -> None:
    shipped = Classifier.load()
    print("a category model (logistic regression over the ads model's word features)")
    for train, test in (("A", "B"), ("B", "A")):
        topical = [i for i in folds[train] if main_category(i) != OTHER]
        vectorizer = TfidfVectorizer(analyzer=lambda f: f, min_df=2, sublinear_tf=True)
        x = vectorizer.fit_transform([item_features(i) for i in topical])
        model = LogisticRegression(C=10.0, max_iter=5000)
        model.fit(x, [main_category(i) for i in topical])
        items = folds[test]
        probs = model.predict_proba(vectorizer.transform([item_features(i) for i in items]))
        labels = list(model.classes_)
        alone = words = shipped_right = filled = with_model = 0
        for item, p in zip(items, probs, strict=True):
            tags = shipped.classify(_change(item))
            guess, want = labels[int(np.argmax(p))], main_category(item)
            answer = tags.categories[0]
            shipped_right += answer == want
            if want != OTHER:
                alone += guess == want
                words += answer == want
            if answer == OTHER and tags.nature == "rule" and p.max() >= SURE:
                answer, filled = guess, filled + 1
            with_model += answer == want
        topical_n = sum(main_category(i) != OTHER for i in items)
        print(
            f"  {train}->{test}: of {topical_n} with a topic, model alone {alone},"
            f" classifier {words}; all {len(items)}: classifier {shipped_right},"
            f" with the model filling {filled} rules left under 'other' {with_model}"
        )


def check_char_ngrams(folds: dict[str, list[Item]]) -> None:
    words_only = _words_only()
    print(f"ads: words against character n-grams (flagged at <= {RULES_AS_ADS:.0%} rules as ads)")
    for train, test in (("A", "B"), ("B", "A")):
        items = folds[test]
        is_ad = np.array([i["kind"] == "promo" for i in items])
        is_rule = np.array([i["kind"] == "rule" for i in items])
        listed = np.array([words_only.classify(_change(i)).is_promo for i in items])
        vectorizer, model = fit(SPECS[0], folds[train])
        by_words = model.predict_proba(vectorizer.transform([item_features(i) for i in items]))
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2, sublinear_tf=True)
        text = [_text(i) for i in folds[train]]
        char_model = LogisticRegression(C=CHAR_C, class_weight="balanced", max_iter=5000)
        char_model.fit(chars.fit_transform(text), [i["kind"] == "promo" for i in folds[train]])
        by_chars = char_model.predict_proba(chars.transform([_text(i) for i in items]))
        cells = []
        for name, probs in (("words", by_words[:, 1]), ("chars", by_chars[:, 1])):
            flagged = _flagged(listed, probs, is_rule)
            cells.append(
                f"{name} AUC {roc_auc_score(is_ad, probs):.3f}, ads {int((flagged & is_ad).sum())}"
                f"/{int(is_ad.sum())} (rules {int((flagged & is_rule).sum())})"
            )
        alone = int((listed & is_ad).sum())
        print(f"  {train}->{test}: word lists alone {alone}; " + "; ".join(cells))


def _text(item: Item) -> str:
    return f"{item['title']}\n{item['title']}\n{item.get('text', '')[:2000]}"


def _flagged(listed: np.ndarray, probs: np.ndarray, is_rule: np.ndarray) -> np.ndarray:
    """Flags at the lowest threshold (of 0.05 steps) that keeps rules as ads within the bound."""
    allowed = int(RULES_AS_ADS * is_rule.sum())
    for threshold in np.arange(0.05, 1.0, 0.05):
        flagged = listed | (probs >= threshold)
        if (flagged & is_rule).sum() <= allowed:
            return flagged
    return listed


def main() -> None:
    folds = halves()
    check_mined(folds)
    check_category_model(folds)
    check_char_ngrams(folds)


if __name__ == "__main__":
    main()
