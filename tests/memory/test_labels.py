import pytest

from reasmory.memory.labels import LabelNormalizer, singular


@pytest.mark.parametrize(
    ("plural", "single"),
    [
        ("chairs", "chair"), ("shelves", "shelf"), ("boxes", "box"), ("couches", "couch"), ("glasses", "glass"),
        ("glass", "glass"), ("mattress", "mattress"), ("tvs", "tv"), ("tv", "tv"), ("libraries", "library"),
        ("stairs", "stairs"), ("bus", "bus"), ("lamps", "lamp"), ("dishes", "dish"),
    ],
)
def test_singular(plural: str, single: str) -> None:
    assert singular(plural) == single


def test_canonical_handles_case_spacing_plural_and_synonyms() -> None:
    n = LabelNormalizer()
    assert n.canonical("  Trash_Cans ") == "trash bin"
    assert n.canonical("Couches") == "sofa"
    assert n.canonical("sofa(s)") == "sofa"
    assert n.same("Television", "tv")
    assert not n.same("chair", "table")


def test_user_synonyms_extend_and_override_defaults() -> None:
    n = LabelNormalizer({"settee": "bench", "Armchairs": "armchair"})
    assert n.canonical("settee") == "bench"
    assert n.canonical("armchair") == "armchair"
    m = n.extended({"pouf": "stool"})
    assert m.canonical("poufs") == "stool" and n.canonical("pouf") == "pouf"


def test_without_defaults_only_user_table_applies() -> None:
    assert LabelNormalizer(use_defaults=False).canonical("couch") == "couch"


def test_close_matches_suggest_memory_labels() -> None:
    n = LabelNormalizer()
    assert n.close_matches("chiar", ["chair", "table", "sofa"]) == ["chair"]
    assert n.close_matches("xyzzy", ["chair", "table"]) == []


def test_close_matches_count_labels_not_spellings() -> None:
    """Two synonyms of one label ("garbage bin", "garbage can" → trash bin) take one place among the suggestions."""
    n = LabelNormalizer()
    assert n.close_matches("garbage bim", ["trash bin", "garage door"], n=2) == ["trash bin", "garage door"]
