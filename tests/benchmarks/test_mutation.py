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
