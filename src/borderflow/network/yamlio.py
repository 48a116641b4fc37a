"""Reading network files: YAML with duplicate keys refused and ``1e6`` read as a number.

PyYAML follows YAML 1.1, where ``50e6`` (no dot) is a string; network files are
full of such dollar amounts, so the loader here reads them as floats. A key given
twice in one mapping (two ``lat:`` lines) is an error rather than a silent overwrite.
Every failure is one :class:`~borderflow.errors.NetworkError` naming the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from borderflow.errors import NetworkError

_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)


class _Loader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys and reads ``1e6`` as a float."""

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


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML ``text``; a syntax error becomes a NetworkError naming ``source``."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: safe
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "syntax error"
        mark = exc.problem_mark or exc.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise NetworkError(f"{source}: not valid YAML: {problem}{at}") from None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        # ValueError: e.g. a timestamp-like scalar that is no date (2025-13-45)
        detail = " ".join(str(exc).split())
        raise NetworkError(f"{source}: not valid YAML: {detail}") from None


def read_yaml(path: Path) -> Any:
    """Read and parse the YAML file at ``path``; every failure is a NetworkError."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NetworkError(f"{source}: network file not found") from None
    except UnicodeDecodeError:
        raise NetworkError(f"{source}: cannot read network file: not UTF-8 text") from None
    except OSError as exc:
        raise NetworkError(f"{source}: cannot read network file: {exc.strerror or exc}") from None
    return parse_yaml(text, source)
