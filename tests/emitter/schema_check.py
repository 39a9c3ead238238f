"""A small JSON Schema (2020-12) checker for the keywords schema.json uses.

``jsonschema`` is not installed and adding a dependency for tests is not worth it.
Unknown keywords raise instead of being skipped, so the schema cannot silently
outgrow this checker.
"""

from __future__ import annotations

import re
from typing import Any

from target_emitter import load_schema

_ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description"}
_KEYWORDS = {
    "type",
    "required",
    "properties",
    "additionalProperties",
    "enum",
    "const",
    "minimum",
    "maximum",
    "minLength",
    "pattern",
    "oneOf",
    "anyOf",
    "not",
    "$ref",
}


class SchemaError(Exception):
    """The schema uses something this checker does not understand."""


def _is_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    raise SchemaError(f"unknown type {name!r}")


def _json_equal(left: Any, right: Any) -> bool:
    # Python says True == 1; JSON does not.
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_json_equal, left, right))
    return left == right


def _resolve(ref: str, root: dict[str, Any]) -> Any:
    if not ref.startswith("#/"):
        raise SchemaError(f"only local $ref is supported, got {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def errors(instance: Any, schema: Any, root: Any = None, path: str = "$") -> list[str]:
    """Every violation of ``schema`` by ``instance``, as 'path: reason' strings."""
    root = schema if root is None else root
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [f"{path}: no value is allowed here"]
    unknown = set(schema) - _KEYWORDS - _ANNOTATIONS
    if unknown:
        raise SchemaError(f"unsupported keywords at {path}: {sorted(unknown)}")
    found: list[str] = []
    if "$ref" in schema:
        found += errors(instance, _resolve(schema["$ref"], root), root, path)
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(instance, name) for name in names):
            found.append(f"{path}: {instance!r} is not of type {names}")
            return found
    if "const" in schema and not _json_equal(instance, schema["const"]):
        found.append(f"{path}: {instance!r} != const {schema['const']!r}")
    if "enum" in schema and not any(_json_equal(instance, item) for item in schema["enum"]):
        found.append(f"{path}: {instance!r} not in {schema['enum']!r}")
    is_number = isinstance(instance, int | float) and not isinstance(instance, bool)
    if is_number and "minimum" in schema and instance < schema["minimum"]:
        found.append(f"{path}: {instance!r} < minimum {schema['minimum']}")
    if is_number and "maximum" in schema and instance > schema["maximum"]:
        found.append(f"{path}: {instance!r} > maximum {schema['maximum']}")
    if isinstance(instance, str):
        if "minLength" in schema and len(instance) < schema["minLength"]:
            found.append(f"{path}: {instance!r} shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            found.append(f"{path}: {instance!r} does not match {schema['pattern']!r}")
    if isinstance(instance, dict):
        found += _object_errors(instance, schema, root, path)
    if "oneOf" in schema:
        passing = sum(not errors(instance, branch, root, path) for branch in schema["oneOf"])
        if passing != 1:
            found.append(f"{path}: matches {passing} oneOf branches, expected exactly 1")
    if "anyOf" in schema and all(errors(instance, b, root, path) for b in schema["anyOf"]):
        found.append(f"{path}: matches no anyOf branch")
    if "not" in schema and not errors(instance, schema["not"], root, path):
        found.append(f"{path}: matches a schema it must not match")
    return found


def _object_errors(
    instance: dict[str, Any], schema: dict[str, Any], root: Any, path: str
) -> list[str]:
    found = [
        f"{path}: missing {key!r}" for key in schema.get("required", ()) if key not in instance
    ]
    properties = schema.get("properties", {})
    for key, value in instance.items():
        if key in properties:
            found += errors(value, properties[key], root, f"{path}.{key}")
        elif "additionalProperties" in schema:
            found += errors(value, schema["additionalProperties"], root, f"{path}.{key}")
    return found


WIRE_SCHEMA = load_schema()


def assert_wire_message(message: dict[str, Any]) -> None:
    """Fail with every reason when ``message`` is not a valid wire message."""
    problems = errors(message, WIRE_SCHEMA)
    assert not problems, "\n".join(problems)
