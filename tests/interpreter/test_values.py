"""Programs and values are immutable (DESIGN §2): AST nodes, views, points and sets cannot change after they are made."""

import dataclasses

import pytest

from reasmory.interpreter import parse, run
from reasmory.interpreter import ast as nodes
from reasmory.interpreter.values import Image

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
    image = Image("render-0.png", 64, 48, "top-down view")  # as the render operations make them
    for value, field in ((view, "heading"), (point, "xyz"), (chairs, "objects"), (image, "path")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, field, None)
    assert hash(view) == hash(run('answer(view(at=object("sofa"), facing=object("tv")))', memory).value)


def test_types_are_equal_by_name_and_item_whichever_instance() -> None:
    from reasmory.interpreter.types import NUMBER, TEXT, Type, list_of

    assert Type("Number") == NUMBER and hash(Type("Number")) == hash(NUMBER)
    assert Type("List", NUMBER) == list_of(NUMBER) != list_of(TEXT)
    assert Type("List", Type("Number")) == list_of(NUMBER)  # items equal by name too, not only the same instance
    assert NUMBER != TEXT and NUMBER != "Number"


def test_object_sets_compare_by_their_objects_not_their_cached_rows() -> None:
    memory = cross_scene()
    chairs = run('answer(objects("chair"))', memory).value
    again = run('x = objects("chair")\nanswer(x)', memory).value
    assert chairs.rows is not None and chairs.labels is not None and chairs == again


def test_the_shared_operation_table_cannot_be_changed_by_a_caller() -> None:
    """Every run, the checker and the VLM prompt read one registry: an entry changed in place would change them all."""
    from reasmory.interpreter import REGISTRY

    count = REGISTRY.get("count")
    with pytest.raises(dataclasses.FrozenInstanceError):
        count.unit = "m"
    with pytest.raises(dataclasses.FrozenInstanceError):
        count.params[0].default = 1
