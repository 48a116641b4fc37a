"""Reading and writing files: one YAML reader for every file kind, one writer.

Scenario files, network files and the packaged source list are all read here, with
the same rules:

- a key given twice in one mapping is an error (two ``name:`` lines), not a silent
  overwrite;
- ``1e6`` (no dot) reads as a number, as people write dollar amounts and counts (YAML
  1.1, which PyYAML follows, reads it as a string);
- a file larger than :data:`MAX_BYTES`, or whose aliases expand it past
  :data:`MAX_EXPANDED_NODES` nodes, is refused before any object is built (a few nested
  anchors can expand to billions of nodes);
- every failure is one error of the caller's kind (``NetworkError``, ``ScenarioError``,
  ...) whose message names the file and, where YAML knows it, the line.

The loader is PyYAML's ``SafeLoader`` with those changes: no Python objects are built.
JSON documents (posterior files) are read by :func:`read_json`, and every file borderflow
writes (results, reports, posteriors, scenario files of a plan) by :func:`write_text`,
whose failure is one :class:`~borderflow.errors.BorderflowError` naming the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from borderflow.errors import BorderflowError

#: Largest YAML file read, bytes (judgement: the shipped network is ~20 kB; a network
#: of every US county and Mexican municipality would stay under a few MB).
MAX_BYTES = 10_000_000
#: Most nodes a file may hold once its aliases are expanded (judgement: the shipped
#: network has ~2,000; aliases can make a small file expand to billions of nodes, the
#: "billion laughs", which every consumer of the parsed data would then walk).
MAX_EXPANDED_NODES = 1_000_000

_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)


def _expanded_size(root: yaml.Node) -> int:
    """Nodes under ``root`` with every alias expanded; refuse past the cap.

    An alias is the same node object reached twice, so sizes are memoised by identity
    and the walk visits each distinct node once, whatever the expansion.
    """
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key not in sizes:
            sizes[key] = 0  # a recursive alias counts once (PyYAML refuses those anyway)
            if isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = node.value
            else:
                children = []
            total = 1 + sum(size(child) for child in children)
            if total > MAX_EXPANDED_NODES:
                raise yaml.composer.ComposerError(
                    None, None, f"aliases expand it past {MAX_EXPANDED_NODES:,} nodes",
                    node.start_mark)
            sizes[key] = total
        return sizes[key]

    return size(root)


class _Loader(yaml.SafeLoader):
    """Safe loader: duplicate keys refused, alias expansion capped, ``1e6`` a float."""

    def compose_document(self) -> Any:
        """Compose one document; refuse it if aliases expand it past the node cap."""
        node = super().compose_document()
        _expanded_size(node)
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping, refusing a key given twice."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # unhashable key; let PyYAML report it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# Replace the YAML 1.1 float resolver by one that also accepts 1e6 (on this loader only).
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:float"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


def parse_yaml(text: str, source: str, error: type[BorderflowError]) -> Any:
    """Parse YAML ``text`` read from ``source``; any failure raises ``error`` naming it."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise error(f"{source}: larger than {MAX_BYTES:,} bytes; not read")
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: safe
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "syntax error"
        mark = exc.problem_mark or exc.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise error(f"{source}: not valid YAML: {problem}{at}") from None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        # ValueError: e.g. a timestamp-like scalar that is no date (2025-13-45)
        detail = " ".join(str(exc).split())
        raise error(f"{source}: not valid YAML: {detail}") from None


def read_yaml(path: str | Path, error: type[BorderflowError], kind: str = "file") -> Any:
    """Read and parse the YAML file at ``path``; any failure raises ``error`` naming it.

    ``kind`` names the file in messages ("network file", "scenario file").
    """
    path = Path(path)
    source = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise error(f"{source}: larger than {MAX_BYTES:,} bytes; not read")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{source}: {kind} not found") from None
    except UnicodeDecodeError:
        raise error(f"{source}: cannot read {kind}: not UTF-8 text") from None
    except OSError as exc:
        raise error(f"{source}: cannot read {kind}: {exc.strerror or exc}") from None
    return parse_yaml(text, source, error)


def read_json(path: str | Path, error: type[BorderflowError], kind: str = "file") -> Any:
    """Read and parse the JSON file at ``path``; any failure raises ``error`` naming it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: {kind} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read {kind}: {getattr(exc, 'strerror', None) or exc}"
                    ) from None
    try:
        return json.loads(text)
    except ValueError:
        raise error(f"{path}: not a borderflow {kind} (not JSON)") from None


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8); a failure is one BorderflowError naming it."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BorderflowError(f"cannot write {path}: {exc.strerror or exc}") from None
