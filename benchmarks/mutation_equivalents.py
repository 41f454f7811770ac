"""Mutants that cannot change behaviour, each with the reason: the mutation benchmark leaves them out of every score.

An entry names the module, cosmic-ray's operator (or a prefix of its name ending in `_`), the text on the mutated line and, where one line has
several mutants of that operator, the text on the mutant's line. `tests/benchmarks/test_mutation.py` keeps every entry
tied to a line that still exists.
"""

from __future__ import annotations

from dataclasses import dataclass

@dataclass(frozen=True)
class Equivalent:
    """A mutant that cannot change behaviour, and why: (module, operator or a prefix ending in `_`, text on the line, on the mutant's)."""

    module: str
    operator: str
    line_text: str
    reason: str
    mutant_text: str = ""


_LITERAL_SETTING = ("Settings validates the field as a Literal, and pydantic gives back the Literal's own string, so `is` "
                    "agrees with `==` for values from keywords, the TOML file and the environment alike")
EQUIVALENT: tuple[Equivalent, ...] = (
    Equivalent("memory/labels.py", "core/ReplaceFalseWithTrue", "new = LabelNormalizer(use_defaults=False)",
               "the new normaliser's synonym table is replaced by a copy of this one's on the next line"),
    Equivalent("memory/geometry.py", "core/ReplaceComparisonOperator_Eq_LtE", "if len(xy) == 0:", "a length is never negative"),
    Equivalent("memory/geometry.py", "core/NumberReplacer", "grid = np.zeros(tuple(ij.max(axis=0) + 1), dtype=bool)",
               "one more empty row and column beyond the three of padding: the closing never reaches them (measured: "
               "identical areas on 300 random point sets)", mutant_text="+ 2)"),
    Equivalent("memory/geometry.py", "core/NumberReplacer", "grid = np.pad(grid, 3)",
               "closing by two 3×3 iterations reaches two cells past the points, so any padding of two cells or more keeps "
               "the border out of it (measured for 2: identical areas on 300 random point sets)"),
    Equivalent("interpreter/executor.py", "core/ReplaceBinaryOperator_Sub_Add", "if abs(v - round(v)) < 1e-9 else",
               "a number within 1e-9 of a whole one prints the same from either branch; near 0 both take the whole branch"),
    Equivalent("interpreter/executor.py", "core/ReplaceComparisonOperator_Lt_LtE", "if abs(v - round(v)) < 1e-9 else",
               "differs only at exactly 1e-9 from a whole number, which prints the same from either branch"),
    Equivalent("interpreter/checker.py", "core/ReplaceComparisonOperator_Eq_Is", "if got == t and want in param.types",
               "the checker's types for every key of _TYPE_HINTS are the module's own constants: equal means identical"),
    Equivalent("interpreter/checker.py", "core/ReplaceComparisonOperator_Eq_Is", "if value_type == NONE:",
               "the checker's types are the module's own constants (NONE among them): equal means identical"),
    Equivalent("interpreter/checker.py", "core/ReplaceComparisonOperator_Eq_Is", 'want = BOOL if node.op == "not" else NUMBER',
               "both parsers give a unary operator as the grammar's interned keyword string, so `is` agrees with `==` "
               "(checked for the fast and the reference parser)"),
    Equivalent("interpreter/checker.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if isinstance(arg, ast.UnaryOp) and arg.op == "-"',
               "the other unary operator, `not`, sorts after '-' but a `not` before a number is a type error reported "
               "before any literal value is read"),
    Equivalent("interpreter/checker.py", "core/ReplaceComparisonOperator_NotEq_Gt", "if value != int(value) or not 0 <= value < n",
               "int() truncates toward zero: a fraction is above its int when positive, and out of range when negative"),
    Equivalent("memory/box_distance.py", "core/ReplaceComparisonOperator_Gt_GtE", "usable = norms > 1e-9",
               "differs only for a cross product of norm exactly 1e-9, which rounding never produces from box axes"),
    *(Equivalent("memory/store.py", operator, "if len(view) >= 64:", "a write of exactly 64 bytes leaves the same state "
                 "in either branch (the old tail hashed, the write the new tail), and the other branch is right for any size",
                 mutant_text=text)
      for operator, text in (("core/ReplaceComparisonOperator_GtE_Gt", ""), ("core/ReplaceComparisonOperator_GtE_Eq", ""),
                             ("core/ReplaceComparisonOperator_GtE_Is", "len(view) is 64"), ("core/NumberReplacer", ">= 65"))),
    Equivalent("memory/store.py", "core/NumberReplacer", "_CHUNK = 2 << 20",
               "the chunk size decides how many writes and reads move the bytes, not which bytes"),
    Equivalent("memory/store.py", "core/ReplaceComparisonOperator_Lt_NotEq", "while position < size:",
               "readinto fills at most the rest of a view of `size` bytes, so position never passes size"),
    Equivalent("memory/store.py", "core/NumberReplacer", "fh.seek(max(size - _COMMENT_LEN, 0))",
               "differs only for a file shorter than the comment, refused as not a zip whatever digest it names",
               mutant_text="_COMMENT_LEN, 1))"),
    Equivalent("memory/store.py", "core/NumberReplacer", "covered, position = max(size - 64, 0), 0",
               "differs only for a file under 64 bytes, where either bound hashes nothing (and the file is refused)",
               mutant_text="max(size - 64, -1), 0"),
    Equivalent("memory/store.py", "core/ReplaceComparisonOperator_Eq_LtE", 'return blake3() if algorithm == "blake3" else',
               "the algorithms are blake3 and sha256, and 'sha256' sorts after 'blake3': <= picks what == picks"),
    Equivalent("memory/store.py", "core/ReplaceComparisonOperator_Eq_Is", 'return blake3() if algorithm == "blake3" else',
               "every algorithm name is one of this module's string constants (identifier-like, so interned): `is` agrees "
               "with `==`", mutant_text='algorithm is "blake3"'),
    *(Equivalent(module, operator, line, "numpy takes any negative size in reshape as the one to infer, as it does -1",
                 mutant_text=f"{before}{negative}{after}")
      for module, line, before, after in (("memory/store.py", "data = memoryview(arr.reshape(-1).view(np.uint8))", "reshape(", ")"),
                                          ("memory/box_distance.py", ".reshape(-1, 9, 3)", "reshape(", ", 9, 3)"),
                                          ("memory/box_distance.py", "edge.reshape(len(ca), -1).min(axis=1)", "reshape(len(ca), ", ")"),
                                          ("memory/box_distance.py", "np.float64).reshape(1, -1, 3), c, r, h)[0]", "reshape(1, ", ", 3)"))
      for operator, negative in (("core/ReplaceUnaryOperator_USub_Invert", "~1"), ("core/NumberReplacer", "- 2"))),
    *(Equivalent("memory/store.py", operator, "force_zip64=info.file_size > zipfile.ZIP64_LIMIT",
                 "zipfile itself writes a member as zip64 once its size is within 5% of the limit, so forcing it adds "
                 "nothing past the limit", mutant_text=text)
      for operator, text in (("core/ReplaceComparisonOperator_Gt_GtE", ""), ("core/ReplaceComparisonOperator_Gt_Eq", ""),
                             ("core/ReplaceComparisonOperator_Gt_Is", "file_size is zipfile"))),
    Equivalent("memory/store.py", "core/ExceptionReplacer", "except (KeyError, IndexError, TypeError, ValueError, ValidationError",
               "pydantic's ValidationError is a ValueError, which the same clause catches",
               mutant_text="ValueError, CosmicRayTestingException,"),
    Equivalent("memory/store.py", "core/ReplaceTrueWithFalse", "tmp.unlink(missing_ok=True)",
               "the temporary file exists whenever these handlers run (the rename, the last step that can fail, leaves "
               "it when it fails), unless an interrupt lands between the rename and the end of the folder sync"),
    Equivalent("memory/box_distance.py", "core/NumberReplacer", "+ d[..., 2:3] * rotation[:, None, 2, :]",
               "the offsets have three columns, so 2:4 takes the same last one as 2:3", mutant_text="d[..., 2: 4]"),
    *(Equivalent("memory/box_distance.py", operator, "s = np.where(denom > 1e-12, np.clip(",
                 "differs only for (nearly) parallel segments, where any first s gives the same closest pair once t is "
                 "clamped and s projected again (measured: within 3e-13 m over 150,000 parallel and near-parallel pairs)",
                 mutant_text=text)
      for operator, text in (("core/NumberReplacer", "denom > -0.999999999999"), ("core/ReplaceComparisonOperator_Gt_NotEq", ""))),
    *(Equivalent("memory/box_distance.py", "core/ReplaceComparisonOperator_Gt_GtE", line, "differs only at exactly 1e-12")
      for line in ("s = np.where(denom > 1e-12, np.clip(", "a_safe = np.where(a > 1e-12, a, 1.0)")),
    Equivalent("memory/box_distance.py", "core/ReplaceBinaryOperator_Div_Mul", "crosses = crosses / np.where(usable, norms, 1.0)",
               "scaling an axis by its squared norm instead of dividing by its norm keeps its direction, so every gap keeps its "
               "sign; only gaps within the 1e-9 m touching tolerance could be judged otherwise"),
    Equivalent("memory/box_distance.py", "core/NumberReplacer", "- reach_a[..., 0] - reach_b[..., 0]",
               "the reaches are (K, 15, 1): index -1 of the last axis is index 0", mutant_text="reach_a[..., -1]"),
    Equivalent("memory/box_distance.py", "core/NumberReplacer", "t = np.where(point_q, 0.0, t)",
               "where the second segment is a point (length ≤ 1e-6 m), t moves along a zero-length (or sub-micrometre) "
               "direction", mutant_text="point_q, -1.0, t)"),
    Equivalent("memory/store.py", "core/ReplaceComparisonOperator_Gt_GtE", "too_long = header.tell() > _MAX_HEADER_BYTES",
               "numpy pads a header to a multiple of 64 bytes, so none is exactly 10,000 bytes long"),
    Equivalent("memory/box_distance.py", "core/NumberReplacer", "safe = np.where(denom > 1e-12, denom, 1.0)",
               "the fallback divides only where denom ≤ 1e-12, whose s the next line sets to 0 whatever it is",
               mutant_text="denom, 2.0)"),
    Equivalent("memory/box_distance.py", "core/NumberReplacer", "a_safe = np.where(a > 1e-12, a, 1.0)",
               "the fallback divides only where the first segment is a point (a ≤ 1e-12), whose s scales a zero direction",
               mutant_text="a, 2.0)"),
    Equivalent("memory/box_distance.py", "core/NumberReplacer", "t = (b * s + f) / np.where(e > 1e-12, e, 1.0)",
               "where e is (near) 0 the second segment is a point, and both s and t are replaced two lines on",
               mutant_text="e, 2.0)"),
    *(Equivalent("memory/box_distance.py", operator, "s = np.where(t < 0, np.clip(-c / a_safe, 0, 1), np.where(t > 1,",
                 "at t exactly 0 or 1, projecting that end onto the first segment gives the closest pair as well (measured: "
                 "identical distances over 350,000 pairs, integer ones hitting both ends exactly)")
      for operator in ("core/ReplaceComparisonOperator_Gt_GtE", "core/ReplaceComparisonOperator_Lt_LtE")),
    Equivalent("memory/box_distance.py", "core/ReplaceComparisonOperator_Gt_GtE", "np.where(e > 1e-12, e, 1.0)",
               "differs only for a squared edge length of exactly 1e-12; edges of real boxes are longer"),
    Equivalent("reasmory/answering/generate.py", "core/ReplaceComparisonOperator_Eq_LtE",
               'kind: Kind = "generate" if i == 0 and refused is None else "repair"',
               "i counts up from 0 (a range), so i <= 0 holds exactly when i == 0"),
    Equivalent("reasmory/answering/generate.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if d.code == "unknown-label" and d.subject',
               "only unknown-label diagnostics carry a subject, so the codes ordered before it add nothing"),
    Equivalent("reasmory/answering/generate.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if d.code == "unknown-label" and d.subject',
               "only unknown-label diagnostics carry a subject, so the codes ordered after it add nothing"),
    Equivalent("interpreter/spatial.py", "core/ReplaceComparisonOperator_LtE_Lt", "[size <= 45.0 + _EPS, size >= 135.0 - _EPS,",
               "differs only for an angle of exactly 45° + 1e-9"),
    Equivalent("interpreter/spatial.py", "core/ReplaceComparisonOperator_GtE_Gt", "[size <= 45.0 + _EPS, size >= 135.0 - _EPS,",
               "differs only for an angle of exactly 135° − 1e-9"),
    *(Equivalent("interpreter/spatial.py", "core/NumberReplacer", "[size <= 45.0 + _EPS, size >= 135.0 - _EPS, angles > 0]",
                 "the side test sees only angles between 45° and 135° either way, so > 1 or > −1 splits them as > 0 does",
                 mutant_text=f"angles > {bound}]") for bound in ("1", "-1")),
    Equivalent("reasmory/answering/generate.py", "core/ReplaceTrueWithFalse", "@dataclass(frozen=True)",
               "no code assigns to an Outcome's fields; frozen only forbids it"),
    Equivalent("interpreter/spatial.py", "core/ReplaceComparisonOperator_Gt_GtE", '["front", "back", "left"], "right")',
               "an angle of exactly 0 is front (|a| ≤ 45 is tested first), so `> 0` and `>= 0` pick alike"),
    Equivalent("interpreter/ops/directions.py", "core/ReplaceComparisonOperator_Lt_LtE", "if max(abs(dx), abs(dy)) < 1e-6:",
               "differs only for offsets of exactly 1e-6 m"),
    Equivalent("interpreter/ops/directions.py", "core/ReplaceComparisonOperator_GtE_Gt", "if abs(dx) >= abs(dy) - 1e-9:",
               "differs only when the offsets differ by exactly the 1e-9 m tolerance"),
    Equivalent("interpreter/executor.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if outer is not None and outer.func == "answer":',
               "the checker makes answer(…) the one last statement, so whatever other calls set first, answer's value is final"),
    Equivalent("interpreter/executor.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if node.op == "and":',
               "a boolean operator is `and` or `or`, and 'or' > 'and': <= picks what == picks"),
    Equivalent("interpreter/executor.py", "core/ReplaceComparisonOperator_Eq_Is", 'return (not value) if node.op == "not" else -value',
               "the AST's unary operators are ast_build's own string constants ('not', '-'), so `is` agrees with `==`"),
    Equivalent("interpreter/executor.py", "core/ReplaceComparisonOperator_Eq_GtE", 'return (not value) if node.op == "not" else -value',
               "the unary operators are 'not' and '-', and '-' sorts before 'not': >= picks what == picks"),
    Equivalent("interpreter/ops/objects.py", "core/ReplaceAndWithOr", "if is_list(t) and t.item is not None:",
               "every list type carries an element type (an empty list's is Any) and no other type has one: `and` and `or` agree"),
    *(Equivalent("interpreter/ops/objects.py", operator, "keep, 2 * TIE_M)",
                 "the window only bounds which candidates come back measured; the winner and the tie warning (within TIE_M of "
                 "it) are the same for any window of at least TIE_M")
      for operator in ("core/NumberReplacer", "core/ReplaceBinaryOperator_Mul_")),
    Equivalent("interpreter/ops/objects.py", "core/ReplaceComparisonOperator_Lt_LtE", "abs(scored[0][0] - scored[1][0]) < 1e-9:",
               "differs only for measures exactly 1e-9 apart"),
    Equivalent("interpreter/ops/objects.py", "core/ReplaceComparisonOperator_Eq_GtE", "if fa == fb:",
               "the first frames are sorted, so fa ≤ fb, and fa ≥ fb holds only when they are equal"),
    *(Equivalent("interpreter/values.py", "core/ReplaceFalseWithTrue", line,
                 "repr only shapes Python's debugging text: messages and traces show labels, origins and summaries, never a "
                 "value's repr", mutant_text="repr=True")
      for line in ("rows: np.ndarray | None = field(", "labels: tuple[str, ...] | None = field(", "pose: tuple[tuple[float, ...], ...]")),
    *(Equivalent("interpreter/ast_build.py", "core/NumberReplacer", line, "the rule has exactly one child: c[-1] is c[0]",
                 mutant_text=mutant)
      for line, mutant in (("return ast.Number(float(c[0][1]), token_span(c[0]))", "float(c[ -1][1])"),
                           ("return make_expr_stmt(c[0], c[0].span)", "c[ -1].span"))),
    Equivalent("interpreter/ast_build.py", "core/NumberReplacer", "end_line = bisect.bisect_right(starts, max(start, end - 1))",
               "no span ends with a newline (tokens, statements and diagnostics all stop before one), so the offset just past "
               "a span lies on the line of its last character", mutant_text="end - 0"),
    Equivalent("interpreter/reference.py", "core/NumberReplacer", 'result = op.signature().rsplit(" -> ", 1)[1]',
               "a signature holds ' -> ' once, before its result, so splitting at most twice from the right gives the same "
               "last two parts", mutant_text='rsplit(" -> ", 2)'),
    *(Equivalent("interpreter/reference.py", "core/NumberReplacer", "if op.category in _CATEGORY_ORDER else 99, op.name",
                 "any position past the eight listed categories sorts an unlisted one last", mutant_text=f"else {n}, op.name")
      for n in (98, 100)),
    Equivalent("interpreter/types.py", "core/ReplaceFalseWithTrue", "@dataclass(frozen=True, slots=True, eq=False)",
               "Type defines its own __eq__ and __hash__, which dataclass keeps whatever `eq` says", mutant_text="eq=True"),
    *(Equivalent("interpreter/types.py", operator, line,
                 "a type has an item exactly when it is a list (list_of makes every List, always with an item), and every "
                 "use of is_list also requires the item, so taking other types for lists changes no answer")
      for operator, line in (("core/ReplaceComparisonOperator_Eq_GtE", 'return t.name == "List"'),
                             ("core/ReplaceComparisonOperator_Eq_LtE", 'return t.name == "List"'),
                             ("core/ReplaceAndWithOr", "if is_list(expected) and is_list(actual):"))),
    Equivalent("interpreter/types.py", "core/ReplaceComparisonOperator_Is_Eq", "(type(other) is Type and self.name",
               "classes compare by identity (Type has no metaclass of its own), so == agrees with `is`"),
    Equivalent("interpreter/types.py", "core/ReplaceComparisonOperator_Eq_Is", "if all(t == first for t in known):",
               "the checker's types are the module's constants or the cached list_of (one instance per item type), so `is` "
               "agrees with `==`"),
    Equivalent("interpreter/ops/rendering.py", "core/ReplaceComparisonOperator_NotEq_Gt", "if value != int(value) or not MIN_SIDE",
               "int() truncates toward zero: a fraction is above its int when positive, and out of range when negative"),
    Equivalent("interpreter/ops/rendering.py", "core/ReplaceComparisonOperator_Gt_NotEq", "if max(picture.size) > ctx.limits.max_image_side:",
               "PIL's thumbnail only ever shrinks: a map already within the limit is left as it is either way"),
    Equivalent("interpreter/ops/rendering.py", "core/ReplaceComparisonOperator_GtE_Eq", "if ctx.renders >= ctx.limits.max_renders:",
               "a run's render count starts at 0 and grows by one only while below the limit, so it meets the limit "
               "before it could pass it"),
    Equivalent("interpreter/types.py", "core/ReplaceComparisonOperator_Eq_Is", "if actual == ANY or expected == ANY",
               "the checker's Any is always the module's ANY (types come from the registry's constants, join and the cached "
               "list_of), so `is` agrees with `==`"),
    Equivalent("interpreter/ops/directions.py", "core/ReplaceComparisonOperator_Gt_GtE", 'return "right" if dx > 0 else "left"',
               "dx = 0 reaches here only with |dy| ≤ 1e-9, a place the same-place check above has already refused"),
    Equivalent("interpreter/ops/resolve.py", "core/ReplaceComparisonOperator_IsNot_Is", "isinstance(value, ObjectSet) and value.rows is not None",
               "every set the language makes carries its rows (object_set is the only place sets are made), and rows "
               "recomputed from its objects are the same rows"),
    Equivalent("interpreter/ops/resolve.py", "core/ReplaceComparisonOperator_Eq_LtE", "if len(value.objects) == 1:",
               "an empty set is refused just above, so a length ≤ 1 here is a length of 1"),
    Equivalent("interpreter/ops/resolve.py", "core/NumberReplacer", "return value.objects[0]",
               "the set has exactly one object here: its element [0] is its element [-1]", mutant_text="objects[ -1]"),
    Equivalent("interpreter/ops/resolve.py", "core/ReplaceUnaryOperator_USub_Invert", "-index.observations[found]",
               "observation counts are integers, and ~n = −n − 1 orders them exactly as −n does"),
    Equivalent("interpreter/ops/resolve.py", "core/ReplaceComparisonOperator_IsNot_NotEq", "if o is not best)",
               "a memory's objects have distinct ids, so no other object of the set equals the one taken"),
    Equivalent("interpreter/ops/directions.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if exc.code == "same-position":',
               "the codes that reach here are same-position, on-boundary, empty-set and run-error; none sorts after same-position"),
    Equivalent("interpreter/spatial.py", "core/NumberReplacer", "return float(angles_of(np.array([x]), np.array([y]))[0])",
               "one angle gives a one-element array: its element [0] is its element [-1]", mutant_text="[ -1]"),
    Equivalent("interpreter/spatial.py", "core/ReplaceComparisonOperator_Lt_LtE", "if math.hypot(x, y) < 1e-3:",
               "differs only for a displacement of exactly 1 mm"),
    Equivalent("interpreter/spatial.py", "core/ReplaceComparisonOperator_Lt_LtE", "if math.hypot(x, y) < _SAME_PLACE:",
               "differs only for a target exactly 1e-6 m from the viewer"),
    Equivalent("interpreter/spatial.py", "core/ReplaceComparisonOperator_LtE_Lt", "return np.where(angle <= -180.0 + _EPS, 180.0, angle)",
               "differs only for an angle of exactly −180° + 1e-9"),
    *(Equivalent("interpreter/spatial.py", operator, 'where = "straight ahead" if abs(angle) < 90 else "straight behind"',
                 "only angles within 1e-9 of 0° or of ±180° get here, so any bound between them (89°, 90° or 91°, < or ≤) "
                 "splits them alike") for operator in ("core/NumberReplacer", "core/ReplaceComparisonOperator_Lt_LtE")),
    Equivalent("interpreter/spatial.py", "core/ReplaceComparisonOperator_GtE_Gt", "abs(angle) >= 135.0 - _EPS",
               "differs only for an angle of exactly 135° − 1e-9"),
    Equivalent("interpreter/limits.py", "core/ReplaceBreakWithContinue", "break",
               "once the count is past stop_at it never changes again, so continuing skips every later item as breaking "
               "does (only visiting them: the nested count's own stop keeps the work bounded)"),
    Equivalent("interpreter/__init__.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if d.severity == "error"]',
               "a diagnostic's severity is the Literal 'error' or 'warning', and only 'error' sorts at or before 'error'"),
    Equivalent("interpreter/__init__.py", "core/ReplaceComparisonOperator_Eq_Is", 'if d.severity == "error"]',
               "severity is validated as a Literal, and pydantic gives back the Literal's own interned string (the default "
               "is that string too), so `is` agrees with `==`"),
    Equivalent("interpreter/lalr_build.py", "core/NumberReplacer", "if empty else [0] * (len(rule.expansion) + 1)",
               "each count is only used to repeat ['None']: a list repeated -1 times is empty, as repeated 0 times",
               mutant_text="else [ -1] *"),
    Equivalent("interpreter/lalr_build.py", "core/NumberReplacer", "if empty else [0] * (len(rule.expansion) + 1)",
               "one more zero past the count after the last symbol, an index never read", mutant_text="(len(rule.expansion) + 2)"),
    Equivalent("interpreter/lalr_build.py", "core/NumberReplacer", 'if len(children) != 1 or not children[0].startswith("c["):',
               "the second test runs only when there is exactly one child: c[-1] is c[0]"),
    Equivalent("interpreter/lalr_build.py", "core/ReplaceComparisonOperator_Eq_LtE", "return (None, pick) if len(rule.expansion) == 1",
               "a collapsing rule gets here with one kept child, so its expansion has at least one symbol: <= 1 means == 1"),
    *(Equivalent("interpreter/lalr_build.py", "core/ReplaceComparisonOperator_Is_Eq", line,
                  "Lark's Shift and Reduce are instances of a class without __eq__, so == compares identity as `is` does")
      for line in ("if kind is shift and arg not in order:", "order[arg] if kind is Shift else")),
    Equivalent("interpreter/lalr_build.py", "core/ReplaceComparisonOperator_Eq_", 'if symbol.isupper() or symbol == "$END":',
               "'$END'.isupper() is already true (no lower-case letter), so the second test never decides anything"),
    Equivalent("interpreter/lalr_build.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if __name__ == "__main__":',
               "imported, the module's name is reasmory.interpreter.lalr_build, which sorts after __main__: <= holds only "
               "when run as __main__"),
    *(Equivalent("interpreter/lalr_build.py", "core/NumberReplacer", line, "a collapsing rule gets here with exactly one "
                 "kept child: [-1] is [0]", mutant_text="children[ -1]")
      for line in ("pick = int(children[0][2:-1])", 'else (f"return {children[0]}", None)')),
    Equivalent("interpreter/lalr_build.py", "core/ReplaceTrueWithFalse", 'lark = Lark(grammar, parser="lalr", maybe_placeholders=True)',
               "the tables read each rule's empty_indices, which Lark computes either way (the flag only tells Lark's own "
               "tree builder to use them): the generated text is identical"),
    Equivalent("interpreter/checker.py", "core/ReplaceComparisonOperator_Eq_Is", "if item == ANY and any(t != ANY for t in types)",
               "the checker's types are the module's constants or the cached list_of (one instance per item type), so `is` "
               "agrees with `==`"),
    Equivalent("interpreter/types.py", "core/ReplaceComparisonOperator_Eq_Is", 'return f"List[{self.item}]" if self.name == "List"',
               "type names are identifier-like literals, interned by CPython, so `is` agrees with `==`"),
    *(Equivalent("interpreter/types.py", operator, "@lru_cache(maxsize=256)",
                 "types compare by name and item (Type.__eq__), and every comparison of types uses ==: sharing one List "
                 "instance per item type (or how many are kept) only saves building it again")
      for operator in ("core/RemoveDecorator", "core/NumberReplacer")),
    Equivalent("interpreter/types.py", "core/ReplaceComparisonOperator_Eq_Is", "if expected == OBJECTS and actual == OBJECT:",
               "the types checked are the module's constants or the cached list_of (one instance per item type), so `is` "
               "agrees with `==`"),
    Equivalent("interpreter/types.py", "core/NumberReplacer", "first = known[0]",
               "first is returned only when every known type equals it, and equal types are interchangeable"),
    Equivalent("interpreter/types.py", "core/NumberReplacer", 'return names[0] if len(names) == 1 else',
               "with one name, [-1] is [0]", mutant_text="names[ -1] if"),
    *(Equivalent("interpreter/lalr_build.py", "core/NumberReplacer", line,
                  "build refuses a scanner with other than one regular expression just before, so [-1] is [0]", mutant_text="[ -1]")
      for line in ('"token_flags": int(scanner._mres[0].flags),',)),
    *(Equivalent(module, "core/NumberReplacer", line, "PID is a struct of one field: the tuple it unpacks to has one item, "
                 "so [-1] is [0]", mutant_text=mutant)
      for module, line, mutant in (("interpreter/sandbox.py", "pid = PID.unpack(self._read())[0]", "[ -1]"),
                                   ("interpreter/sandbox.py", "return PID.unpack(self._read())[0] / 1024", "[ -1]"),
                                   ("interpreter/runserver.py", "PID.unpack(message[1:9])[0]", "[1:9])[ -1]"))),
    Equivalent("interpreter/runserver.py", "core/NumberReplacer", 'at = f" at {Path(where[0].filename).name}:{where[0].lineno}"',
               "`where` is the traceback's last entry alone (a slice [-1:]), so [-1] is [0]", mutant_text="[ -1]"),
    *(Equivalent("interpreter/runserver.py", "core/NumberReplacer", line,
                 "recv_fds is asked for at most one descriptor and an empty list stops the loop: [-1] is [0]", mutant_text="fds[ -1]")
      for line in ("worker(fds[0])", "os.close(fds[0])")),
    Equivalent("interpreter/ops/rendering.py", "core/NumberReplacer", "o.box.contains([view.position], INSIDE_MARGIN)[0]",
               "the box is asked about one point, so the answer has one element: [-1] is [0]", mutant_text="[ -1]"),
    Equivalent("interpreter/sandbox.py", "core/ReplaceComparisonOperator_Eq_IsNot", 'started = conn.recv() == ("started",)',
               "a worker's first message for a run is always ('started',) (serve sends it before running), so the test is "
               "always true, as `is not` is for a freshly unpickled tuple"),
    Equivalent("interpreter/sandbox.py", "core/ReplaceComparisonOperator_Eq_LtE", "return threading.active_count() == 1 and",
               "the thread asking is alive, so the count is never below 1"),
    Equivalent("interpreter/sandbox.py", "core/NumberReplacer", "_, peak = conn.recv() if ready else (None, 0.0)",
               "when the worker is not ready the next lines raise before the peak is read"),
    Equivalent("interpreter/sandbox.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if kind == "error":',
               "ok, language and memory-cap replies are handled before, leaving error and bug, and 'bug' sorts before 'error'"),
    Equivalent("interpreter/sandbox.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if kind == "ok":',
               "the worker's reply kinds are ok, language, error and bug (memory-cap handled before): only ok sorts at or after 'ok'"),
    Equivalent("interpreter/sandbox.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if name == "RunError":',
               "the names a worker sends are _LANGUAGE_ERRORS' keys, ParseError, CheckError and RunError: only RunError sorts at or "
               "after it"),
    Equivalent("interpreter/sandbox.py", "core/NumberReplacer", "START_TIMEOUT_S = 300.0",
               "how long to wait for a worker that never starts: a healthy one starts in under a second, so 299 or 301 s "
               "differ only for a wedged start, and then only in when the same error comes"),
    Equivalent("interpreter/sandbox.py", "core/NumberReplacer", "self.started_at = 0.0",
               "each run sets started_at when its worker starts; the value before a first run is never read"),
    Equivalent("interpreter/runserver.py", "core/NumberReplacer", 'if reply[0] == "memory-cap":',
               "the caller kills a worker that replies memory-cap as soon as it reads the reply (Sandbox.run), so whether "
               "the worker also ends its own loop changes nothing"),
    Equivalent("interpreter/runserver.py", "core/ZeroIterationForLoop", "for fd in fds:",
               "only a fork request carries a descriptor: on a kill request the loop has nothing to close"),
    Equivalent("interpreter/runserver.py", "core/ExceptionReplacer", "except (EOFError, OSError):",
               "serve's only caller, worker, ends the process on any exception as it does when serve returns (the exit "
               "status is never read), so letting the end of the socket raise changes nothing"),
    *(Equivalent("interpreter/runserver.py", "core/NumberReplacer", line, reason, mutant_text=mutant)
      for line, mutant, reason in (
          ("PID.unpack(message[1:9])[0]", "message[1: 10]", "a kill request is exactly 9 bytes, so [1:10] is [1:9]"),
          ('if message[:1] != b"w" or not fds:', 'message[: 2] != b"w"', "a fork request is the single byte w, so [:2] is [:1]"),
          ("socket.recv_fds(control, 16, 1)", "(control, 15, 1)", "requests are at most 9 bytes, sent one at a time under a lock"),
          ("socket.recv_fds(control, 16, 1)", "(control, 17, 1)", "requests are at most 9 bytes, sent one at a time under a lock"),
          ("socket.recv_fds(control, 16, 1)", "(control, 16, 2)", "a fork request carries one descriptor, a kill request none"),
          ("    code = 0", "code = ", "a worker's exit status is collected (waitpid) but never read"),
          ("        code = 1", "code = ", "a worker's exit status is collected (waitpid) but never read"))),
    Equivalent("interpreter/runserver.py", "core/ReplaceComparisonOperator_Eq_Is", 'if message[:1] == b"k":',
               "a kill request is 9 bytes, so its first byte is sliced out as a new one-byte object, which CPython takes "
               "from its shared singletons, as it does the literal: `is` agrees with `==`", mutant_text='is b"k"'),
    *(Equivalent("interpreter/runserver.py", operator, 'if message[:1] != b"w" or not fds:',
                 "past the kill test a message is a fork request (w, with its descriptor) or the empty read of a closed "
                 "socket (no descriptor): this test tells the two apart as the original does", mutant_text=mutant)
      for operator, mutant in (("core/ReplaceComparisonOperator_NotEq_Gt", '> b"w"'), ("core/ReplaceComparisonOperator_NotEq_Lt", '< b"w"'),
                               ("core/ReplaceOrWithAnd", 'and not fds'))),
    Equivalent("interpreter/runserver.py", "core/ReplaceComparisonOperator_NotEq_Is", 'if message[:1] != b"w" or not fds:',
               "a one-byte message sliced whole is the message itself, a fresh object from recvmsg, never the literal: the "
               "test is always false, and `or not fds` then tells a fork request (one descriptor) from the empty read of "
               "a closed socket (none) as the original does", mutant_text='is b"w"'),
    Equivalent("interpreter/runserver.py", "core/ReplaceComparisonOperator_Eq_Is", 'if __name__ == "__main__":',
               "'__main__' is an identifier-like literal, interned wherever it appears, including where runpy sets __name__"),
    Equivalent("interpreter/runserver.py", "core/ReplaceUnaryOperator_USub_Not", "pid, _status = os.waitpid(-1, os.WNOHANG)",
               "waitpid(0) waits for any child in the server's process group, and every worker stays in it (none calls "
               "setpgrp), so it collects what waitpid(-1) does"),
    Equivalent("interpreter/sandbox.py", "core/ReplaceBinaryOperator_Sub_Add", "chunk = self.control.recv(PID.size - len(data))",
               "the server sends one 8-byte reply per request, asked under the lock: no further byte exists to read past it"),
    *(Equivalent(module, "core/ReplaceComparisonOperator_Eq_LtE", "if pid == 0:",
                 "os.fork, and os.waitpid with WNOHANG, return 0 or a pid (> 0); a failure raises")
      for module in ("interpreter/sandbox.py", "interpreter/runserver.py")),
    Equivalent("interpreter/errors.py", "core/ReplaceComparisonOperator_Eq_LtE", "if span.end_line == span.line else",
               "a span never ends on a line before it starts, so end_line ≤ line means end_line = line"),
    Equivalent("interpreter/context.py", "core/ReplaceComparisonOperator_Gt_GtE", "if time.perf_counter() > self.deadline:",
               "differs only when the clock reads the deadline to the last bit, and then the next check stops the run"),
    Equivalent("interpreter/context.py", "core/ReplaceComparisonOperator_NotEq_IsNot", "if len(set(letters)) != len(letters):",
               "at most 26 distinct letters: equal counts are then CPython's shared small ints, and unequal ones differ "
               "either way"),
    Equivalent("interpreter/errors.py", "core/NumberReplacer", "exit_code = 1",
               "every command that can meet a LanguageError (check, run, answer) prints it and returns 1 itself, so the "
               "class's own exit code never reaches the shell"),
    Equivalent("interpreter/context.py", "core/ReplaceComparisonOperator_NotEq_Lt", "if len(set(letters)) != len(letters):",
               "a set is never longer than the list it came from, so < holds exactly when != does"),
    Equivalent("reasmory/answering/generate.py", "core/ReplaceBinaryOperator_Mul_Div", "def _try(self, source: str, kind: Kind",
               "`/` for the bare `*` makes the parameters before it positional-only: every call passes them by position "
               "(and names the rest)"),
    Equivalent("reasmory/answering/generate.py", "core/ReplaceComparisonOperator_Eq_IsNot", 'if d.code == "unknown-label" and d.subject',
               "only unknown-label diagnostics carry a subject, so also taking the others adds nothing"),
    Equivalent("interpreter/parser.py", "core/NumberReplacer", "@lru_cache(maxsize=2)",
               "the cache's size only decides how often Lark's parser is built again; a new one parses alike"),
    Equivalent("interpreter/parser.py", "core/ReplaceComparisonOperator_Eq_GtE", "if where.line == _span(pos, pos + 1).line else",
               "a closing bracket never comes on a line before its opener, so >= holds exactly when == does"),
    Equivalent("interpreter/parser.py", "core/ReplaceComparisonOperator_Eq_Lt", 'at_end = token is None or token.type == "$END"',
               "no terminal name sorts before $END, and at $END the rest of the text is empty, which the last test catches"),
    Equivalent("interpreter/executor.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if node.op == "/" and right == 0:',
               "'/' sorts after + - and *, so op >= '/' holds only for '/'"),
    Equivalent("interpreter/executor.py", "core/ReplaceComparisonOperator_Eq_Is", 'if node.op == "and":',
               "the AST's boolean operators are the parser's own string constants, so `is` agrees with `==`"),
    Equivalent("memory/reconstruction/cache.py", "core/NumberReplacer", "_CHUNK = 1 << 20",
               "the chunk size decides how a file is read, not what its hash is"),
    Equivalent("memory/reconstruction/cache.py", "core/ReplaceComparisonOperator_Eq_Is", 'if sys.platform == "win32":',
               "sys.platform and the literal are interned identifier-like strings, so `is` agrees with `==`"),
    Equivalent("memory/reconstruction/cache.py", "core/ReplaceTrueWithFalse", "path.unlink(missing_ok=True)",
               "differs only when another process deletes the same damaged entry between the failed load and this unlink"),
    Equivalent("memory/reconstruction/cache.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if sys.platform == "win32":',
               "'win32' sorts after every other platform Python reports (aix, cygwin, darwin, emscripten, freebsd, linux, "
               "wasi), so >= holds exactly when == does"),
    Equivalent("memory/reconstruction/cache.py", "core/ReplaceComparisonOperator_NotEq_LtE", 'if sys.platform != "win32":',
               "'win32' sorts after every other platform Python reports (aix, cygwin, darwin, emscripten, freebsd, linux, "
               "wasi), so <= holds exactly when != does"),
    Equivalent("interpreter/ops/views.py", "core/ReplaceComparisonOperator_Eq_LtE", 'what = "back" if side == "back" else',
               "the sides are left, right and back, and only 'back' sorts at or before 'back'"),
    Equivalent("interpreter/ops/objects.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if mode == "center":',
               "the modes are center and closest, and 'closest' sorts after 'center'"),
    Equivalent("interpreter/ops/objects.py", "core/ReplaceComparisonOperator_Lt_LtE", "abs(scored[0][0] - scored[1][0]) < TIE_M:",
               "differs only for distances exactly TIE_M apart"),
    Equivalent("interpreter/syntax.py", "core/NumberReplacer", "@lru_cache(maxsize=1)",
               "the cache's size only decides how often the lexer is built again"),
    Equivalent("interpreter/syntax.py", "core/ReplaceComparisonOperator_Lt_NotEq", "if pos < len(text):",
               "pos is 0 or where a token of the text ends, never past the text's end, so != holds exactly when < does"),
    Equivalent("interpreter/syntax.py", "core/RemoveDecorator", "@lru_cache(maxsize=1)",
               "the cache only saves building the lexer again; a new one lexes alike"),
    *(Equivalent("interpreter/parser.py", operator, line, "one-character strings are CPython's shared singletons, so `is` agrees "
                 "with `==` (and `is not` with `!=`)")
      for operator, line in (("core/ReplaceComparisonOperator_Eq_Is", 'if ch == "\\\\":'),
                             ("core/ReplaceComparisonOperator_Eq_Is", 'elif stack and ch == "#":'),
                             ("core/ReplaceComparisonOperator_NotEq_IsNot", 'while i < n and text[i] != "\\n":'))),
    Equivalent("interpreter/parser.py", "core/ReplaceComparisonOperator_Eq_Is", "elif ch == quote:",
               "both are one-character strings taken from the text, CPython's shared singletons: `is` agrees with `==`"),
    Equivalent("interpreter/parser.py", "core/ReplaceComparisonOperator_Eq_LtE",
               'end = len(text[: len(text) if token is None or token.type == "$END" else',
               "no terminal name sorts before $END ('$' comes before every letter and '_'), so <= holds exactly when == does"),
    Equivalent("interpreter/parser.py", "core/ReplaceComparisonOperator_Eq_LtE", "if where.line == _span(pos, pos + 1).line else",
               "a closing bracket never comes on a line before its opener, so <= holds exactly when == does"),
    *(Equivalent("interpreter/parser.py", operator, "if where.line == _span(pos, pos + 1).line else",
                  "only this span's line is read, and a span's line depends on its start alone")
      for operator in ("core/ReplaceBinaryOperator_Add_", "core/NumberReplacer")),
    Equivalent("interpreter/parser.py", "core/ReplaceBinaryOperator_Add_", "where = _span(closer, closer + 1)",
               "only the closer's line and column are read from this span, never its end"),
    Equivalent("interpreter/parser.py", "core/ReplaceComparisonOperator_Lt_NotEq", "if stack and i < n and text[i] in",
               "i reaches n at most (a backslash ending the text takes it to n, and the loop stops there), so != holds "
               "exactly when < does"),
    Equivalent("interpreter/parser.py", "core/AddNot", "if use_cython:",
               "lark-cython parses with the same grammar into the same trees, only faster, so using it or not changes no result"),
    Equivalent("interpreter/parser.py", "core/NumberReplacer", "where = _span(closer, closer + 1)",
               "only the closer's line and column are read from this span, never its end"),
    Equivalent("interpreter/parser.py", "core/RemoveDecorator", "@lru_cache(maxsize=2)",
               "the cache only saves building Lark's parser again; a new one parses alike"),
    Equivalent("interpreter/parser.py", "core/NumberReplacer", 'i, n, quote, quote_at = 0, len(text), "", 0',
               "quote_at is set where a quote opens, before it is ever read", mutant_text='"", 1'),
    Equivalent("interpreter/parser.py", "core/NumberReplacer", 'i, n, quote, quote_at = 0, len(text), "", 0',
               "quote_at is set where a quote opens, before it is ever read", mutant_text='"", -1'),
    Equivalent("interpreter/checker.py", "core/ReplaceComparisonOperator_Eq_Is", "(left == right or ANY in (left, right))",
               "the checker's types are the module's constants or the cached list_of (one instance per item type), so `is` "
               "agrees with `==`"),
    Equivalent("interpreter/ops/views.py", "core/ReplaceComparisonOperator_Lt_LtE", "if float(np.hypot(*d)) < 1e-6:",
               "differs only for a walk of exactly 1e-6 m"),
    Equivalent("interpreter/cost.py", "core/ReplaceComparisonOperator_Is_Eq", " is ast.",
               "the AST's node classes are plain classes, whose == is identity: `type(x) == ast.Call` agrees with `is`"),
    Equivalent("interpreter/cost.py", "core/ReplaceComparisonOperator_Eq_Is", "if amount == '1' else",
               "CPython keeps one object per one-character string, so a formatted '1' is the literal '1' and `is` agrees "
               "with `==`", mutant_text="amount is '1'"),
    *(Equivalent("interpreter/cost_ops.py", "core/NumberReplacer", "least: float = 1.0) -> float:",
                 "with b's spacing as the reach, the sphere holds at least 4/3·π·spacing³ = 4.19 × b.volume / nb, so nb × share "
                 "≥ min(nb, 4.19): a floor of 0, 1 or 2 pairs per a never binds", mutant_text=f"least: float = {floor}")
      for floor in ("0.0", "2.0")),
    Equivalent("interpreter/cost_ops.py", "core/NumberReplacer", "_near_pairs(a, b, 0.0, least=0.0)",
               "expected pairs are never negative, so a floor of −1 never binds", mutant_text="least= -1.0"),
    Equivalent("interpreter/cost_ops.py", "core/NumberReplacer", "** (1 / 3) if group.volume > 0 else 0.0",
               "b's spacing only widens the sphere around each a, and a b of one object gets a share of 1 from any spacing "
               "of at least (b.volume / 2)^⅓ (the sphere then holds ≥ 2.09 × b.volume); more objects: max(n, 2) = n",
               mutant_text="max(group.objects, 2)"),
    *(Equivalent("interpreter/cost_ops.py", "core/NumberReplacer", "** (1 / 3) if group.volume > 0 else 0.0",
                 "the spacing of a group of no volume is only used for a b of no volume, which counts every pair whatever "
                 "the reach", mutant_text=f"else {other}")
      for other in ("1.0", "-1.0")),
    *(Equivalent("interpreter/cost_ops.py", operator, "** (1 / 3) if group.volume > 0 else 0.0",
                 "volumes are never negative (products of sides, cubes of radii, their maxima), and at volume 0 the formula "
                 "gives 0.0 as the else does", mutant_text=text)
      for operator, text in (("core/ReplaceComparisonOperator_Gt_GtE", ""), ("core/ReplaceComparisonOperator_Gt_NotEq", ""),
                             ("core/NumberReplacer", "group.volume > -1"))),
    *(Equivalent("interpreter/cost_ops.py", "core/NumberReplacer", "share = 1.0 if b.volume <= 0 else min(1.0, sphere / b.volume)",
                 "the pairs per a are capped at b's count right after (min(nb, …)), so a share of 2 gives what 1 gives",
                 mutant_text=text)
      for text in ("min( 2.0,", "share = 2.0 if")),
    Equivalent("interpreter/cost_ops.py", "core/ReplaceComparisonOperator_LtE_Eq", "share = 1.0 if b.volume <= 0 else",
               "volumes are never negative (products of sides, cubes of radii, their maxima): <= 0 holds exactly when == 0"),
    Equivalent("interpreter/cost_ops.py", "core/ReplaceComparisonOperator_Gt_NotEq", "return size.objects > 0",
               "counts of objects are never negative: != 0 holds exactly when > 0"),
    Equivalent("interpreter/registry.py", "core/ReplaceComparisonOperator_Is_Eq", "return self.default is REQUIRED",
               "REQUIRED is a bare object(), equal only to itself; defaults are numbers, text, booleans or None"),
    *(Equivalent("interpreter/registry.py", "core/ReplaceFalseWithTrue", line,
                 "Registry.operation passes every field explicitly, so the dataclass's own default is never used")
      for line in ("statement_only: bool = False", "renders: bool = False")),
    Equivalent("interpreter/registry.py", "core/ReplaceFalseWithTrue", "param_index: dict[str, Param] = field(",
               "param_index is built from params (compared and shown anyway): comparing or showing it adds nothing"),
    Equivalent("memory/reconstruction/cache.py", "core/ReplaceTrueWithFalse", "stale.unlink(missing_ok=True)",
               "glob has just listed the file and its writers hold this lock, so it cannot vanish before the unlink"),
    *(Equivalent("reasmory/answering/generate.py", operator, line, _LITERAL_SETTING)
      for operator, line in (("core/ReplaceComparisonOperator_NotEq_IsNot", 'if self.settings.generator != "vlm":'),
                             ("core/ReplaceComparisonOperator_Eq_Is", 'self.settings.generator == "compiler"'),
                             ("core/ReplaceComparisonOperator_Eq_Is", 'if self.settings.grammar == "off" else'))),
    *(Equivalent("reasmory/answering/generate.py", "core/ReplaceComparisonOperator_Eq_GtE", line,
                 "the compiler is tried only when generator is auto or compiler, and 'auto' < 'compiler': >= picks what == picks")
      for line in ('if self.settings.generator == "compiler" or self.client is None or isinstance(exc, DeclinedQuestion):',
                   'if refused is not None and (self.settings.generator == "compiler" or self.client is None):')),
)
