"""JSON Patch (RFC 6902) for `PATCH /fhir/Task/{id}`: add, replace, remove and test, on the
elements a Task update may change. Anything else is refused naming the operation at fault."""

from __future__ import annotations

import copy
from typing import Any, Final

from linkwork.interop.fhir.outcome import FhirError, Issue

# The Task elements a caller changes; the rest are Linkwork's.
PATCHABLE: Final = ("status", "statusReason")
OPERATIONS: Final = {"add", "replace", "remove", "test"}


def _fail(index: int, code: str, message: str) -> FhirError:
    return FhirError(422, Issue(code, f"Patch operation {index}: {message}"))


def _tokens(pointer: str, index: int) -> list[str]:
    if not pointer.startswith("/"):
        raise _fail(index, "invalid", "`path` is a JSON pointer, such as /status.")
    parts = [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]
    if parts[0] not in PATCHABLE:
        raise _fail(
            index,
            "not-supported",
            f"/{parts[0]} cannot be changed; a Task update changes {', '.join(PATCHABLE)} only.",
        )
    return parts


def _parent(document: Any, parts: list[str], index: int) -> tuple[Any, str]:
    node = document
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise _fail(index, "not-found", f"/{'/'.join(parts)} does not exist in the Task.")
    return node, parts[-1]


def apply(document: dict[str, Any], operations: Any) -> dict[str, Any]:
    """`document` with `operations` applied, all or nothing."""
    if not isinstance(operations, list) or not operations:
        raise FhirError.of(400, "invalid", "Send a JSON Patch: a non-empty array of operations.")
    result = copy.deepcopy(document)
    for index, operation in enumerate(operations):
        if not isinstance(operation, dict) or operation.get("op") not in OPERATIONS:
            raise _fail(index, "not-supported", "`op` is one of add, replace, remove or test.")
        path = operation.get("path")
        if not isinstance(path, str):
            raise _fail(index, "required", "Give `path`, such as /status.")
        parent, key = _parent(result, _tokens(path, index), index)
        op = operation["op"]
        if op != "remove" and "value" not in operation:
            raise _fail(index, "required", f"`{op}` needs a `value`.")
        if isinstance(parent, list):
            at = len(parent) if key == "-" else int(key) if key.isdigit() else -1
            if not 0 <= at <= len(parent) or (op != "add" and at == len(parent)):
                raise _fail(index, "not-found", f"{path} is not an element of the list.")
            if op == "add":
                parent.insert(at, operation["value"])
            elif op == "replace":
                parent[at] = operation["value"]
            elif op == "remove":
                del parent[at]
            elif parent[at] != operation["value"]:
                raise FhirError.of(409, "conflict", f"Patch operation {index}: test failed.")
            continue
        if not isinstance(parent, dict):
            raise _fail(index, "not-found", f"{path} does not exist in the Task.")
        if op in {"replace", "remove", "test"} and key not in parent:
            raise _fail(index, "not-found", f"{path} does not exist in the Task.")
        if op in {"add", "replace"}:
            parent[key] = operation["value"]
        elif op == "remove":
            del parent[key]
        elif parent[key] != operation["value"]:
            raise FhirError.of(409, "conflict", f"Patch operation {index}: test failed.")
    return result
