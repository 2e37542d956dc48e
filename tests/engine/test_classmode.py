"""The class-mode protocols (engine/classmode.py): declared once, and kept by the classroom."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from game.classroom.pacing import Pacing as ClassPacing
from game.classroom.seat import ClassSeat
from game.engine import classmode
from game.ui.classdesk import Pacing as DeskPacing

GAME = Path(__file__).resolve().parents[2] / "game"


def members(protocol: type) -> dict[str, object]:
    """What a protocol asks for: its methods, properties and attributes (its bases' too)."""
    names = {n for base in protocol.__mro__ if base is not object
             for n in vars(base) if not n.startswith("_")}
    names |= set(getattr(protocol, "__annotations__", {}))
    return {n: getattr(protocol, n, None) for n in names}


def parameters(function: object) -> list[tuple[str, object]]:
    """A method's parameters after ``self``: names and whether they have a default."""
    found = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    return [(p.name, p.default is inspect.Parameter.empty) for p in found][1:]


@pytest.mark.parametrize("protocol, implementation", [
    (classmode.Seat, ClassSeat),
    (classmode.Pacing, ClassPacing),
    (DeskPacing, ClassPacing),
])
def test_the_classroom_implements_every_member_with_the_same_parameters(protocol, implementation):
    for name, wanted in members(protocol).items():
        if callable(wanted) and not isinstance(wanted, property):
            found = getattr(implementation, name, None)
            assert callable(found), f"{implementation.__name__} has no {name}()"
            assert parameters(found) == parameters(wanted), name
        elif isinstance(wanted, property):
            assert hasattr(implementation, name) or name in getattr(
                implementation, "__dataclass_fields__", {}), name
    sets = implementation.__init__.__code__.co_names  # what ``self.x = ...`` names
    for attribute in getattr(protocol, "__annotations__", {}):
        assert attribute in sets, f"{implementation.__name__} never sets {attribute}"


def test_each_protocol_is_declared_once():
    """The terminal player and the web reader both import the engine's (no copies)."""
    for name in ("Seat", "Pacing", "ClassSplit", "ClassOption"):
        declared = [str(p.relative_to(GAME)) for p in GAME.rglob("*.py")
                    if f"\nclass {name}(Protocol)" in p.read_text(encoding="utf-8")
                    or f"\n{name} = tuple[" in p.read_text(encoding="utf-8")]
        assert declared == ["engine/classmode.py"], (name, declared)
