"""Programs and values are immutable (DESIGN §2): AST nodes, views, points and sets cannot change after they are made."""

import dataclasses

import pytest

from reasmory.interpreter import parse, run
from reasmory.interpreter import ast as nodes

from .scenes import cross_scene

PROGRAM = 'me = view(at=object("sofa"), facing=object("tv"))\nanswer([-1 + 2 * 3 < 4 and not false, count(objects("chair")), me])\n'


def _all_nodes(node: object) -> list[object]:
    found = [node]
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        for item in value if isinstance(value, tuple) else (value,):
            if dataclasses.is_dataclass(item) and not isinstance(item, type):
                found += _all_nodes(item)
    return found


def test_every_ast_node_is_frozen_and_hashable() -> None:
    program = parse(PROGRAM)
    every = _all_nodes(program)
    assert {type(n) for n in every} >= {nodes.Program, nodes.Assign, nodes.ExprStmt, nodes.Call, nodes.Keyword, nodes.ListExpr,
                                        nodes.BinOp, nodes.BoolOp, nodes.UnaryOp, nodes.Number, nodes.Bool, nodes.String,
                                        nodes.Name, nodes.Span}
    for node in every:
        assert hash(node) == hash(dataclasses.replace(node))
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(node, dataclasses.fields(node)[0].name, None)


def test_run_time_values_are_frozen() -> None:
    memory = cross_scene()
    view = run('answer(view(at=object("sofa"), facing=object("tv")))', memory).value
    point = run('answer(center(object("tv")))', memory).value
    chairs = run('answer(objects("chair"))', memory).value
    for value, field in ((view, "heading"), (point, "xyz"), (chairs, "objects")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, field, None)
    assert hash(view) == hash(run('answer(view(at=object("sofa"), facing=object("tv")))', memory).value)
