"""The ads-and-events model (policyradar/tagging/promo_model.py, data/promo_model.json): trained on
the tuning part of the labelled news corpus only, applied in pure Python with scikit-learn's own
numbers, and a second opinion on new articles only.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from policyradar.resources import data_path
from policyradar.tagging import Classifier
from policyradar.tagging.classifier import SEGMENT_CHARS
from policyradar.tagging.promo_model import MODEL_FILE, PromoModel, features
from policyradar.tagging.text import segment
from tests.test_news_accuracy import ITEMS, _change, is_held_back

BY_ID = {item["id"]: item for item in ITEMS}
MODEL = json.loads(data_path(MODEL_FILE).read_text(encoding="utf-8"))
# a logistics firm's page on FBA prep: no ad wording, an ad by the corpus' rules (tuning part)
GUIDE = "n4-en-3plfulfillmentprep-how-fba-works"


def _features(item_id: str) -> list[str]:
    item = BY_ID[item_id]
    return features(segment(item["title"]), segment(item.get("text", "")[:SEGMENT_CHARS]))


def test_the_model_was_trained_on_the_tuning_part_only() -> None:
    trained = MODEL["trained_on"]
    assert len(trained) >= 400
    assert all(item_id in BY_ID for item_id in trained)
    assert not [item_id for item_id in trained if is_held_back(item_id)]


def test_pure_python_inference_gives_scikit_learns_probabilities() -> None:
    model = PromoModel.load()
    assert len(MODEL["checks"]) >= 10
    for item_id, expected in MODEL["checks"].items():
        assert model.probability(_features(item_id)) == pytest.approx(expected, abs=1e-9), item_id


def test_a_providers_guide_without_ad_wording_is_an_ad(tmp_path: Path) -> None:
    item = BY_ID[GUIDE]
    assert not is_held_back(GUIDE)
    assert Classifier.load().classify(_change(item)).is_promo
    (tmp_path / "categories.toml").write_text("[settings]\npromo_model = false\n")
    words_only = Classifier.load(tmp_path).classify(_change(item))
    assert not words_only.is_promo  # the word lists alone miss it


def test_an_edit_of_a_watched_page_is_judged_by_its_wording_alone() -> None:
    edit = replace(_change(BY_ID[GUIDE]), kind="changed")
    assert not Classifier.load().classify(edit).is_promo


def test_a_text_with_no_known_word_gets_the_models_prior() -> None:
    model = PromoModel.load()
    assert model.probability(["zzz-unknown"]) == model.probability([])
    assert not model.is_promo([])
