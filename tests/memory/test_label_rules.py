"""Edges of label normalisation that the planted bugs and the mutation run showed unpinned (issue #24)."""

import pytest

from reasmory.memory.labels import LabelNormalizer, singular


@pytest.mark.parametrize(
    ("plural", "single"),
    [("torches", "torch"), ("brushes", "brush"), ("sandboxes", "sandbox"), ("waltzes", "waltz"), ("batteries", "battery"),
     ("benches", "bench"), ("addresses", "address")],
)
def test_regular_es_plurals(plural: str, single: str) -> None:
    """-ches, -shes, -xes, -zes and -sses drop "es" (every -es word of the first tests was an irregular one)."""
    assert singular(plural) == single


@pytest.mark.parametrize("word", ["s", "os", "ps", "us", "is", "as"])
def test_words_of_two_letters_or_fewer_are_never_plurals(word: str) -> None:
    assert singular(word) == word


def test_three_letter_plurals_are_singularised() -> None:
    assert singular("tvs") == "tv" and singular("pcs") == "pc"


def test_same_is_equality_of_canonical_forms_both_ways() -> None:
    n = LabelNormalizer()
    assert not n.same("tv", "sofa") and not n.same("sofa", "tv")
    assert n.same("TVs", "television") and n.same("television", "TVs")


def test_close_matches_go_through_synonyms_of_the_candidates_only() -> None:
    n = LabelNormalizer()
    assert n.close_matches("couchh", ["sofa", "table"]) == ["sofa"]  # "couch" is a synonym of sofa
    assert n.close_matches("televisoin", ["sofa", "table"]) == []  # a synonym of a label not offered suggests nothing


def test_close_matches_give_three_by_default_and_n_when_asked() -> None:
    n = LabelNormalizer(use_defaults=False)
    candidates = ["chaira", "chairb", "chairc", "chaird"]
    assert len(n.close_matches("chair", candidates)) == 3
    assert len(n.close_matches("chair", candidates, n=2)) == 2
    assert sorted(n.close_matches("chair", candidates, n=4)) == candidates
