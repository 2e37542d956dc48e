"""Generate synthetic stories of N scenes for the benchmarks (run by hand).

Each scene has about 60 words of text, 2-4 choices with conditions and
effects, and the story has a points rating with rules, a list and a service.

    python benchmarks/gen_story.py 10000 /tmp/s10k.yaml
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

WORDS = (
    "the camera above the crossing blinks once and your phone buzzes with a "
    "notice from the committee about the score you carry into every shop and "
    "station while the neighbours watch and the bank keeps its own quiet count"
).split()


def generate(scenes: int, seed: int = 1) -> str:
    """The YAML text of a story with ``scenes`` scenes (the last few are endings)."""
    rng = random.Random(seed)
    out = [
        "title: Synthetic",
        "rating:",
        "  start: 1000", "  min: 0", "  max: 1300",
        "  tiers:",
        "    - {id: A, label: Good, min: 960}",
        "    - {id: B, label: Fair, min: 850}",
        "    - {id: C, label: Poor, min: 0}",
        "  sources: {cam: Camera, bank: Bank}",
        "  rules:",
        "    walk: {change: -10, source: cam}",
        "    help: {change: 5, source: bank, explain: true}",
        "    debt: {change: -30, source: bank}",
        "  lists:",
        "    debtors: {label: Debtors}",
        "  services:",
        "    rail: {label: Rail, requires: \"tier >= 'B' and not listed('debtors')\", refusal: Refused.}",
        "vars: {money: 100, trust: 50}",
        "scenes:",
    ]
    endings = max(2, scenes // 100)
    for i in range(scenes):
        out.append(f"  s{i}:")
        words = " ".join(rng.choice(WORDS) for _ in range(60))
        out.append(f"    text: \"{words} {{score}} on day {{day}}.\"")
        if i >= scenes - endings:
            out.append(f"    ending: {{title: End {i}, kind: {rng.choice(['good', 'bad', 'mixed'])}}}")
            continue
        out.append("    choices:")
        for c in range(rng.randint(2, 4)):
            target = rng.randint(i + 1, min(scenes - 1, i + 40))
            out.append(f"      - text: Choice {c} of scene {i} goes on")
            out.append(f"        goto: s{target}")
            kind = rng.random()
            if kind < 0.3:
                out.append(f"        if: money >= {rng.randint(0, 150)} or trust > 40")
            elif kind < 0.45:
                out.append("        service: rail")
            elif kind < 0.6:
                out.append(f"        requires: score > {rng.randint(800, 1000)}")
                out.append("        locked: Not with your score.")
            out.append("        do:")
            out.append(f"          - record: {rng.choice(['walk', 'help', 'debt'])}")
            out.append(f"          - add: {{money: {rng.randint(-20, 20)}}}")
            if rng.random() < 0.05:
                out.append("          - list: debtors")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    count = int(sys.argv[1])
    target = Path(sys.argv[2])
    target.write_text(generate(count), encoding="utf-8")
    print(f"{target}: {count} scenes, {target.stat().st_size / 1e6:.1f} MB")
