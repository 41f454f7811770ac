"""The mutation benchmark's exclusions stay true to the code: every equivalent mutant names a line its module has."""

from reasmory.benchmarks.mutation import REPO, TARGETS, exclusion
from reasmory.benchmarks.mutation_equivalents import EQUIVALENT


def test_every_equivalent_mutant_names_a_line_of_a_target_module() -> None:
    stale = [(e.module, e.line_text) for e in EQUIVALENT if e.module not in TARGETS or e.line_text not in (REPO / e.module).read_text()]
    assert not stale, f"equivalent mutants whose line is gone (remove or update them): {stale}"


def test_an_equivalent_excludes_only_the_mutant_it_describes() -> None:
    source = (REPO / "interpreter/spatial.py").read_text().splitlines()
    row = next(i for i, line in enumerate(source, 1) if "return float(angles_of(np.array([x]), np.array([y]))[0])" in line)

    def why(mutant: str) -> str | None:
        return exclusion("interpreter/spatial.py", "core/NumberReplacer", (row, 57), source, set(), lambda: mutant)

    assert why("return float(angles_of(np.array([x]), np.array([y]))[ -1])").startswith("equivalent: one angle")
    assert why("return float(angles_of(np.array([x]), np.array([y]))[ 1])") is None


def test_an_equivalent_names_its_operator_exactly_unless_it_gives_a_prefix() -> None:
    """An entry for `==` → `is` does not also excuse `==` → `is not` (which inverts the test); `…_Mul_` names a family."""
    source = (REPO / "memory/store.py").read_text().splitlines()
    row = next(i for i, line in enumerate(source, 1) if 'return blake3() if algorithm == "blake3" else' in line)

    def why(operator: str, mutant: str) -> str | None:
        return exclusion("memory/store.py", operator, (row, 20), source, set(), lambda: mutant)

    assert why("core/ReplaceComparisonOperator_Eq_Is", 'return blake3() if algorithm is "blake3" else').startswith("equivalent:")
    assert why("core/ReplaceComparisonOperator_Eq_IsNot", 'return blake3() if algorithm is not "blake3" else') is None
    objects = (REPO / "interpreter/ops/objects.py").read_text().splitlines()
    window = next(i for i, line in enumerate(objects, 1) if "keep, 2 * TIE_M)" in line)
    assert exclusion("interpreter/ops/objects.py", "core/ReplaceBinaryOperator_Mul_Add", (window, 0), objects, set(),
                     lambda: "keep, 2 + TIE_M)").startswith("equivalent:")
