"""``schema``: a JSON Schema of the story format, for editors and CI.

The schema is built from the loader's own tables (its keys, enums and id
patterns): a key the loader learns without a description here stops the build,
and the tests run valid and invalid stories through both. It is written for
draft 7, the newest draft every YAML editor understands, and for the YAML 1.1
data model the engine reads (``yes`` is true, ``+5`` is a number).

What JSON Schema cannot say is left to ``check``: whether a ``goto`` names a
scene that exists, whether an expression compiles, whether two choices have
the same id, whether tiers are listed highest first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from game.authoring.output import emit
from game.story.effects import EFFECTS
from game.story.effects.base import Schema, closed, described, map_of, ref
from game.story.expressions import VAR_FORMATS
from game.story.loader import (
    CHOICE_KEYS,
    ENDING_KINDS,
    DEBRIEF_KEYS,
    EXPECT_KEYS,
    ID,
    INCLUDED_KEYS,
    LANGUAGE,
    DEFAULT_MODEL,
    MODELS,
    MODEL_SPECS,
    POLL_KEYS,
    RATING_KEYS,
    RESERVED_NAMES,
    SCENE_KEYS,
    SHOWS,
    TIER_ID,
    TOP_KEYS,
    WEIGHTS,
)
from game.story.variants import FIXED, MAX_LABEL, MAX_VARIANTS, VARIANT_KEYS



def _anchored(pattern: str) -> str:
    return f"^{pattern}$"


def _in_step(keys: tuple[str, ...], properties: dict[str, Schema]) -> dict[str, Schema]:
    """The properties in the loader's order; a key only one side knows is our bug."""
    if set(keys) != set(properties):
        raise RuntimeError(f"schema and loader disagree on keys: {set(keys) ^ set(properties)}")
    return {key: properties[key] for key in keys}


def _by_model() -> list[Schema]:
    """What each model requires of ``start`` and of its rules' ``change``."""
    out: list[Schema] = []
    for spec in MODEL_SPECS.values():
        rule: Schema = ({"required": ["change"]} if spec.rule_change
                        else {"not": {"required": ["change"]}})
        then: Schema = {"properties": {"rules": {"additionalProperties": rule}}}
        if spec.needs_start:
            then["required"] = ["start"]
        foreign = [key for other in MODEL_SPECS.values() if other is not spec
                   for key in other.keys]
        if foreign:
            then["not"] = {"anyOf": [{"required": [key]} for key in foreign]}
        model: Schema = {"const": spec.name}
        when: Schema = {"properties": {"model": model}, "required": ["model"]}
        if spec.name == DEFAULT_MODEL:  # no model: is the default model
            when = {"anyOf": [when, {"not": {"required": ["model"]}}]}
        when["type"] = "object"  # rating: null is no model at all
        out.append({"if": when, "then": then})
    return out


def _definitions() -> dict[str, Schema]:
    text = {
        # The loader reads any plain value as text (a title of 1984 is text), but never
        # an empty one.
        "type": ["string", "number", "boolean"],
        "description": "Text. {EXPR} shows a value; write {{ and }} for a literal brace.",
    }
    expression = {
        "type": ["string", "number", "boolean"],
        "description": "An expression, e.g. score < 1000 and not listed('debtors').",
    }
    texts = {"anyOf": [ref("text"), {"type": "array", "items": ref("text")}]}
    # Each effect's schema is in its declaration (game/story/effects/).
    effect_properties = {key: spec.schema(key) for key, spec in EFFECTS.items()}
    effect = {
        "type": "object",
        "description": "One effect: a mapping with exactly one key, like record: jaywalking.",
        "minProperties": 1,
        "maxProperties": 1,
        "properties": effect_properties,
        "additionalProperties": False,
    }
    choice_properties: dict[str, Schema] = {
        "text": described("text", "What the player chooses. Required."),
        "goto": described("id", "The next scene. Required."),
        "id": described("id", "Defaults to a slug of the text; unique within the scene."),
        "if": described("expression", "The choice is shown only when this holds."),
        "requires": described("expression", "Shown always, selectable only when this holds."),
        "locked": described("text", "Why the choice is locked when requires fails."),
        "service": described("id", "Requires this service; locked with its refusal."),
        "do": ref("effects"),
        "once": {"type": "boolean", "description": "The choice disappears once taken."},
        "reflect": described("text", "A debrief question for players who took this choice."),
        "tags": {"type": "array", "items": ref("id"),
                 "description": "Labels for the class report: comply, resist, ..."},
    }
    block = {
        "anyOf": [
            ref("text"),
            closed({"if": ref("expression"), "text": ref("text")},
                    "A paragraph shown only when the condition holds.", ("if", "text")),
        ]
    }
    scene_properties: dict[str, Schema] = {
        "text": {
            "description": "What the player reads: text, or a list of paragraphs.",
            "anyOf": [ref("text"), {"type": "array", "items": block}],
        },
        "do": ref("effects"),
        "choices": {"type": "array", "minItems": 1, "items": ref("choice"),
                    "description": "The choices offered."},
        "goto": described("id", "The next scene when there are no choices (one Continue)."),
        "ending": closed(
            {"title": ref("text"),
             "kind": {"enum": list(ENDING_KINDS), "description": "good, bad or mixed."}},
            "The story ends here.", ("title", "kind")),
        "chapter": described("text", "A chapter title starting at this scene."),
        "poll": closed(
            _in_step(POLL_KEYS, {
                "id": described("id", "Polls sharing an id are one question asked again."),
                "question": ref("text"),
                "options": {"type": "array", "minItems": 2, "items": ref("text")},
            }),
            "A classroom question with no effect on the rating.", ("question", "options")),
        "expect": described("expectations",
                             "Checked by `test` on every arrival in this scene (never in play)."),
    }
    scene = closed(_in_step(SCENE_KEYS, scene_properties),
                    "A scene: exactly one of choices, goto or ending.")
    scene["oneOf"] = [{"required": [way]} for way in ("choices", "goto", "ending")]
    tier = closed(
        {"id": {"type": "string", "pattern": _anchored(TIER_ID.pattern),
                "description": "Tier id; capitals allowed: AAA, B."},
         "label": ref("text"),
         "min": {"type": "number"}},
        "A band of the score.", ("id", "min"))
    rule = closed(
        {"change": {"type": "number", "description": "Added to the score (negative to take)."},
         "source": described("id", "Which source reports it."),
         "label": ref("text"),
         "explain": {"type": "boolean", "description": "Overrides the rating's explain."}},
        "A behaviour the system registers (a change is required, or refused, by the model).")
    service = closed(
        {"label": ref("text"), "requires": ref("expression"), "refusal": ref("text")},
        "Something the rating opens or closes.")
    service["type"] = ["object", "null"]
    rating_properties: dict[str, Schema] = {
        "name": ref("text"),
        "model": {"enum": list(MODELS),
                  "description": "; ".join(spec.summary for spec in MODEL_SPECS.values())
                                 + "."},
        "min": {"type": "number"},
        "max": {"type": "number"},
        "start": {"type": "number",
                  "description": "The starting score. Required (a risk score has none)."},
        **{key: value for spec in MODEL_SPECS.values() for key, value in spec.schema().items()},
        "show": {"enum": list(SHOWS), "description": "What the HUD shows."},
        "explain": {"type": "boolean",
                    "description": "Whether the player sees the reasons for changes."},
        "decimals": {"enum": [0, 1, 2],
                     "description": "How many decimals the score is kept, shown and compared "
                                    "at (default 2 for peer; for points, as its numbers)."},
        "memory": {"type": "integer", "minimum": 1,
                   "description": "Peer model: how many ratings count (default 20)."},
        "weight": {"enum": list(WEIGHTS),
                   "description": "Peer model: weight ratings equally or by the rater's rating."},
        "tiers": {"type": "array", "items": tier, "description": "Highest first."},
        "sources": map_of(ref("text"), "Who reports behaviour: {id: label}."),
        "rules": map_of(rule, "The algorithm: behaviour -> change."),
        "lists": map_of(
            {"anyOf": [ref("text"), closed(
                {"label": ref("text"),
                 "announce": {"type": "boolean",
                              "description": "false: the player is not told when listed."}},
                "A list.")]},
            "Blacklists."),
        "services": map_of(service, "What the rating opens and closes."),
    }
    person = closed({"name": ref("text"), "rating": {"type": "number"},
                      "ratings": {"type": "integer", "minimum": 1,
                                  "description": "How many ratings the starting rating stands for."}},
                     "A character with a rating of their own.", ("name",))
    value = {"type": ["string", "number", "boolean"]}
    var_name = {
        "allOf": [ref("id")],
        "not": {"enum": sorted(n for n in RESERVED_NAMES if ID.fullmatch(n))},
    }
    return {
        "id": {"type": "string", "pattern": _anchored(ID.pattern),
               "description": "An id: lowercase letters, digits and _, starting with a letter."},
        "text": text,
        "expression": expression,
        "texts": texts,
        "effect": effect,
        "expectations": {
            "type": "array",
            "description": "What must always hold: checked by `test`, never in play.",
            "items": closed(_in_step(EXPECT_KEYS, {
                "that": described("expression", "A condition: true or false."),
                "says": described("text", "What it means, in a sentence (shown when it fails)."),
            }), "An expectation.", ("that", "says")),
        },
        "branch": {
            "type": "object",
            "description": "Effects applied only when a condition holds: if, do, and optionally else.",
            "properties": {"if": ref("expression"), "do": ref("effects"),
                           "else": ref("effects")},
            "required": ["if", "do"],
            "additionalProperties": False,
        },
        "effects": {"type": "array", "items": {"anyOf": [ref("effect"), ref("branch")]},
                    "description": "Effects, applied in order."},
        "choice": closed(_in_step(CHOICE_KEYS, choice_properties), "A choice.",
                          ("text", "goto")),
        "scene": scene,
        "scenes": map_of(ref("scene"), "The scenes, by id."),
        "rating": {**closed(_in_step(RATING_KEYS, rating_properties),
                             "The rating system the player lives under."),
                   "type": ["object", "null"], "allOf": _by_model()},
        "rating_overlay": _overlay(rating_properties),
        "vars": map_of(
            {"anyOf": [value, closed(
                {"value": value,
                 "format": {"enum": list(VAR_FORMATS),
                            "description": "How the player reads it in text: thousands "
                                           "groups digits (5,400)."}},
                "A starting value and how it reads.", ("value",))]},
            "Starting values: numbers, text, true/false (or {value, format}).", var_name),
        "people": map_of(person, "Characters with ratings of their own."),
        "included_file": closed(
            _in_step(INCLUDED_KEYS, {"scenes": ref("scenes"), "vars": ref("vars"),
                                     "people": ref("people")}),
            "A file named under include: in a story.yaml."),
    }


def _top_properties() -> dict[str, Schema]:
    return {
        "title": described("text", "Shown in the picker and the title bar. Required."),
        "id": described("id", "Defaults to the file (or folder) name."),
        "author": ref("text"),
        "language": {
            # YAML 1.1 reads `no` (Norwegian) as false; the engine keeps the spelling.
            "type": ["string", "boolean"],
            "pattern": _anchored(LANGUAGE.pattern),
            "description": "A language tag: en, fr, pt-BR.",
        },
        "version": ref("text"),
        "summary": ref("text"),
        "minutes": {"type": "number", "description": "How long one playthrough takes."},
        "population": closed({
            "count": {"type": "integer", "minimum": 1, "maximum": 10_000_000_000,
                      "description": "How many people."},
            "label": described("text", "Who they are, e.g. Beijing residents."),
        }, "The people the story's system would reach: `city` scales its estimate to them.",
            ("count", "label")),
        "content_notes": ref("texts"),
        "audience": ref("text"),
        "start": described("id", "The first scene; defaults to the first in the file."),
        "rating": ref("rating"),
        "vars": ref("vars"),
        "people": ref("people"),
        "scenes": ref("scenes"),
        "debrief": {
            "description": "Questions for the discussion after the ending; a question may "
                           "carry `if:` to be asked only of players for whom it holds.",
            "anyOf": [ref("text"), {"type": "array", "items": {"anyOf": [
                ref("text"),
                closed(_in_step(DEBRIEF_KEYS, {
                    "text": described("text", "The question."),
                    "if": described("expression",
                                     "Asked only when this is true at the end."),
                }), "A question asked only when its condition holds.", ("text",)),
            ]}}],
        },
        "include": ref("texts"),
        "renamed": map_of(ref("id"), "{old_scene_id: new_scene_id}.",
                           {"type": "string"}),
        "expect": described("expectations",
                             "Checked by `test` after every step (never in play)."),
        "variants": {**map_of(closed(_in_step(VARIANT_KEYS, {
            "label": {"allOf": [ref("text"), {"minLength": 1, "maxLength": MAX_LABEL,
                                               "pattern": "^[^\\n]*\\n?$"}],
                      "description": "What the variant changes, said as a condition "
                                     f"(\"Without the street cameras\"): one line, at most "
                                     f"{MAX_LABEL} characters."},
            "rating": ref("rating_overlay"),
        }), "The same story under another rating.", ("label", "rating")),
            "Other ratings the same scenes can be replayed under (`whatif`, the debrief's "
            f"What-if panel): each overlays rating:. At most {MAX_VARIANTS}."),
            "maxProperties": MAX_VARIANTS},
    }


def _overlay(rating_properties: dict[str, Schema]) -> Schema:
    """What a variant may lay over ``rating:``: any of its keys but the model, every
    value as in a rating, nothing required (a feature may change only its weight)."""
    properties = {key: value for key, value in rating_properties.items() if key not in FIXED}
    if "features" in properties:
        feature = dict(properties["features"]["additionalProperties"])
        feature.pop("required", None)
        properties["features"] = {**properties["features"], "additionalProperties": feature,
                                  "minProperties": 1}
    return closed(properties, "Keys of rating: to change: mappings merge with the story's, "
                               "anything else replaces it; ids must exist.")


def build_schema(part: str = "story") -> Schema:
    """The JSON Schema of a story file (``part="story"``) or of an included file."""
    definitions = _definitions()
    if part == "included":
        root: Schema = dict(definitions["included_file"])
        title = "Standing story: included file"
    elif part == "story":
        root = closed(_in_step(TOP_KEYS, _top_properties()), "A Standing story.",
                       ("title", "scenes"))
        # Without include: the scenes are all here, so there must be some.
        root["if"] = {"not": {"required": ["include"]}}
        root["then"] = {"properties": {"scenes": {"type": "object", "minProperties": 1}}}
        title = "Standing story"
    else:
        raise ValueError(f"unknown schema part {part!r}")
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": title,
        **root,
        "definitions": definitions,
    }


def schema_text(part: str = "story") -> str:
    """The schema as pretty-printed JSON, ending with a newline."""
    return json.dumps(build_schema(part), indent=2, ensure_ascii=False) + "\n"


def write_schema(out: TextIO, output: Path | None = None, included: bool = False) -> int:
    """Print the schema, or write it to ``output``; return the exit code."""
    return emit(schema_text("included" if included else "story"), out, output)
