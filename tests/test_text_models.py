"""The learned second opinions (policyradar/tagging/textmodel.py, data/models/*.json): trained on
the tuning part of the labelled news corpus only, applied in pure Python with scikit-learn's own
numbers, read for new articles only, and each one a switch in categories.toml.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from policyradar.resources import data_path
from policyradar.tagging import Classifier
from policyradar.tagging.classifier import SEGMENT_CHARS
from policyradar.tagging.text import segment
from policyradar.tagging.textmodel import MODELS, MODELS_DIR, TextModel, features
from tests.test_news_accuracy import ITEMS, _change, is_held_back

BY_ID = {item["id"]: item for item in ITEMS}
FILES = {name: json.loads(data_path(MODELS_DIR, f"{name}.json").read_text()) for name in MODELS}
# a logistics firm's page on FBA prep: no ad wording, an ad by the corpus' rules (tuning part)
GUIDE = "n4-en-3plfulfillmentprep-how-fba-works"


def _features(item_id: str) -> list[str]:
    item = BY_ID[item_id]
    return features(segment(item["title"]), segment(item.get("text", "")[:SEGMENT_CHARS]))


@pytest.mark.parametrize("name", MODELS)
def test_each_model_was_trained_on_the_tuning_part_only(name: str) -> None:
    trained = FILES[name]["trained_on"]
    assert len(trained) >= 300
    assert all(item_id in BY_ID for item_id in trained)
    assert not [item_id for item_id in trained if is_held_back(item_id)]


@pytest.mark.parametrize("name", MODELS)
def test_pure_python_inference_gives_scikit_learns_probabilities(name: str) -> None:
    model = TextModel.load(name)
    assert len(FILES[name]["checks"]) >= 10
    assert model.low == FILES[name]["low"]
    for item_id, expected in FILES[name]["checks"].items():
        assert model.probability(_features(item_id)) == pytest.approx(expected, abs=1e-9), item_id


def test_a_providers_guide_without_ad_wording_is_an_ad(tmp_path: Path) -> None:
    item = BY_ID[GUIDE]
    assert not is_held_back(GUIDE)
    assert Classifier.load().classify(_change(item)).is_promo
    (tmp_path / "categories.toml").write_text("[settings]\npromo_model = false\n")
    words_only = Classifier.load(tmp_path).classify(_change(item))
    assert not words_only.is_promo  # the word lists alone miss it


def test_coverage_the_rules_call_urgent_is_medium(tmp_path: Path) -> None:
    # Modern Retail on Etsy's "Creativity Standards" (news, tuning part): action words, no date
    item = BY_ID["n3-en-modernretail-etsy-creativity-standards-sellers"]
    assert item["kind"] == "news"
    assert not is_held_back(item["id"])
    assert Classifier.load().classify(_change(item)).urgency == "medium"
    (tmp_path / "categories.toml").write_text("[settings]\nnews_model = false\n")
    assert Classifier.load(tmp_path).classify(_change(item)).urgency == "high"


def test_what_the_rules_call_news_but_reads_as_a_rule_is_a_rule_of_medium_urgency(
    tmp_path: Path,
) -> None:
    # Lowyat on Shopee Malaysia's commission (a rule, tuning part): read as news by the rules
    item = BY_ID["n5-mx-lowyat-shopee-my-commission-jan-2023"]
    assert item["kind"] == "rule"
    assert not is_held_back(item["id"])
    tags = Classifier.load().classify(_change(item))
    assert (tags.nature, tags.urgency, tags.categories[0]) == ("rule", "medium", "fees")
    (tmp_path / "categories.toml").write_text("[settings]\nnews_model = false\n")
    words_only = Classifier.load(tmp_path).classify(_change(item))
    assert (words_only.nature, words_only.urgency) == ("news", "low")


def test_an_edit_of_a_watched_page_is_judged_by_its_wording_alone() -> None:
    edit = replace(_change(BY_ID[GUIDE]), kind="changed")
    assert not Classifier.load().classify(edit).is_promo


def test_a_text_with_no_known_word_gets_the_models_prior() -> None:
    model = TextModel.load("promo")
    assert model.probability(["zzz-unknown"]) == model.probability([])
    assert not model.says([])
