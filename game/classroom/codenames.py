"""Codenames: how a class knows its players, without knowing who they are.

A codename is two plain words joined by a hyphen (``amber-otter``). One is
offered at random; a player may type their own, which must look like a
codename (letters, digits and hyphens), so a record file's name is always safe.
"""

from __future__ import annotations

import random
import re

from game.errors import StandingError

CODENAME = re.compile(r"[a-z][a-z0-9-]{1,31}")
"""What a codename may be: 2 to 32 characters, a lowercase letter first."""

CLASS_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
"""What a class code may be (it names the class folder)."""

ADJECTIVES = (
    "amber", "azure", "bold", "brave", "bright", "calm", "clever", "coral", "crisp",
    "dusty", "eager", "early", "fancy", "fern", "frosty", "gentle", "golden", "green",
    "hazel", "humble", "indigo", "ivory", "jade", "jolly", "keen", "kind", "lemon",
    "lilac", "lucky", "lunar", "maple", "merry", "mint", "misty", "noble", "ochre",
    "olive", "pale", "plum", "polar", "proud", "quick", "quiet", "rapid", "rosy",
    "ruby", "rusty", "sandy", "silent", "silver", "snowy", "solar", "steady", "stormy",
    "sunny", "swift", "tawny", "teal", "tidy", "velvet", "violet", "warm", "witty",
    "young", "zesty",
)
ANIMALS = (
    "badger", "beaver", "bison", "crane", "crow", "deer", "dolphin", "eagle", "egret",
    "falcon", "ferret", "finch", "fox", "gecko", "gull", "hare", "hawk", "heron",
    "ibis", "jackal", "jay", "koala", "lark", "lemur", "lynx", "magpie", "marten",
    "mole", "moose", "newt", "otter", "owl", "panda", "parrot", "pelican", "puffin",
    "quail", "rabbit", "raven", "robin", "salmon", "seal", "shrew", "sparrow", "stoat",
    "swan", "tapir", "tern", "tiger", "toad", "trout", "turtle", "vole", "walrus",
    "weasel", "whale", "wolf", "wombat", "wren", "yak", "zebra",
)


class CodenameError(StandingError):
    """A codename or class code that cannot be used."""


def random_codename(rng: random.Random | None = None, taken: set[str] | frozenset = frozenset(),
                    ) -> str:
    """A random two-word codename not in ``taken`` (a number is added if all are)."""
    rng = rng or random.SystemRandom()
    for _ in range(200):
        name = f"{rng.choice(ADJECTIVES)}-{rng.choice(ANIMALS)}"
        if name not in taken:
            return name
    number = 2
    base = f"{rng.choice(ADJECTIVES)}-{rng.choice(ANIMALS)}"
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def normalise_codename(text: str) -> str:
    """A typed codename in its stored form, or CodenameError saying what to type."""
    name = re.sub(r"[\s_]+", "-", text.strip().lower())
    if not CODENAME.fullmatch(name) or "--" in name or name.endswith("-"):
        raise CodenameError(
            f"'{text.strip()}' cannot be a codename: use 2 to 32 letters, digits and "
            "hyphens, starting with a letter (like amber-otter), and not your real name")
    return name


def normalise_class_code(text: str) -> str:
    """A class code in its stored (lowercase) form, or CodenameError saying what to type."""
    code = text.strip().lower()
    if not CLASS_CODE.fullmatch(code):
        raise CodenameError(
            f"'{text.strip()}' cannot be a class code: use up to 40 letters, digits, "
            "hyphens and underscores, like 7b-ethics")
    return code
