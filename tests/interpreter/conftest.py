import pytest

from reasmory.memory import SpatialMemory

from .scenes import cross_scene


@pytest.fixture(scope="module")
def cross() -> SpatialMemory:
    return cross_scene()
