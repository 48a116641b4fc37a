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
  ...) whose message names the file and, where YAML knows it, the line and column; a
  syntax error also says in plain words what is wrong there (a key that does not line
  up with its neighbours, a missing ``:``, an unclosed bracket or quote, a tab).

:func:`yaml_lines` gives the line of every key of a parsed document, so that a later
check (a scenario's fields) can point at the line too.

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
    """Parse YAML ``text`` read from ``source``; any failure raises ``error`` naming it.

    A syntax error names the line and column and, where it can, says in plain words
    what is wrong and how to mend it (see :func:`_explain`).
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise error(f"{source}: larger than {MAX_BYTES:,} bytes; not read")
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: safe
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "syntax error"
        mark = exc.problem_mark or exc.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        try:
            plain = _explain(exc, text)
        except Exception:  # an explanation must never hide the error itself
            plain = None
        more = f"; {plain}" if plain else ""
        raise error(f"{source}: not valid YAML: {problem}{at}{more}") from None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        # ValueError: e.g. a timestamp-like scalar that is no date (2025-13-45)
        detail = " ".join(str(exc).split())
        raise error(f"{source}: not valid YAML: {detail}") from None


# -- syntax errors in plain words --------------------------------------------------------

#: A line that opens with a mapping key, after any list markers: ``  - lever: x``.
_KEY = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>[^\s#:'\"\-\[\]{}][^:#]*?|'[^']*'|\"[^\"]*\")"
                  r"[ ]*:(?:[ ]|$)")


def _key_at(line: str) -> tuple[int, str] | None:
    """``(column, key)`` of the key a line opens with (after any ``- ``), else None."""
    match = _KEY.match(line)
    if not match:
        return None
    return len(match.group("lead")), match.group("key").strip("'\"")


def _content(line: str) -> bool:
    """Whether a line holds YAML (not blank, not only a comment)."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _previous(lines: list[str], row: int) -> int | None:
    """The last line before ``row`` that holds YAML."""
    for r in range(min(row, len(lines)) - 1, -1, -1):
        if _content(lines[r]):
            return r
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _alike(lines: list[str], row: int, column: int) -> str:
    """Whose keys line up at ``column`` around line ``row``, in words.

    ``the keys of one lever are indented alike`` for an entry of a list named
    ``levers``, ``the keys under 'parameters' are indented alike`` for a mapping,
    ``the file's top-level keys are not indented`` at the top.
    """
    entry = False
    for r in range(row, -1, -1):
        line = lines[r]
        if not _content(line):
            continue
        found = _key_at(line)
        if line.lstrip().startswith("-") and found and found[0] == column:
            entry = True  # the first key of a list entry: its list's name is above
            continue
        if _indent(line) < column and found:
            name = found[1]
            if not entry:
                return f"the keys under '{name}' are indented alike"
            one = name[:-1] if name.endswith("s") and len(name) > 3 else f"entry of '{name}'"
            return f"the keys of one {one} are indented alike"
    return "the file's top-level keys are not indented" if column == 0 else (
        "the keys of one mapping are indented alike")


def _dash(lines: list[str], row: int, prev: int) -> str | None:
    """A ``- `` entry on line ``row`` that does not line up with the ``- `` above it."""
    line = lines[row]
    for r in range(prev, -1, -1):  # the list it belongs to: the last '- ' above
        if _content(lines[r]) and lines[r].lstrip().startswith("-"):
            if _indent(lines[r]) == _indent(line):
                return None
            return (f"the '- ' entry on line {row + 1} must line up with the '- ' on line "
                    f"{r + 1} (column {_indent(lines[r]) + 1}, not {_indent(line) + 1}): the "
                    "entries of one list are indented alike")
    return None


def _misaligned(lines: list[str], row: int) -> str | None:
    """A line ``row`` whose key (or ``- ``) sits where no block of the file does."""
    line = lines[row] if row < len(lines) else ""
    prev = _previous(lines, row)
    if prev is None:
        return None
    if line.lstrip().startswith("-"):
        return _dash(lines, row, prev)
    found, above = _key_at(line), _key_at(lines[prev])
    if found is None or above is None:
        return None
    col, prev_key = above
    return (f"'{found[1]}' must line up with '{prev_key}' on line {prev + 1} (column "
            f"{col + 1}, not {found[0] + 1}): {_alike(lines, prev, col)}")


def _over_indented(lines: list[str], row: int, column: int) -> str | None:
    """``mapping values are not allowed here``: a second ``: `` or a line indented too far."""
    line = lines[row] if row < len(lines) else ""
    found = _key_at(line)
    if found is not None and line.find(":", found[0]) < column:
        key, value = found[1], line[line.index(":", found[0]) + 1:].strip()
        return (f"the value of '{key}' contains ': '; put it in quotes: {key}: \"{value}\"")
    prev = _previous(lines, row)
    if prev is None:
        return None
    above = _key_at(lines[prev])
    text = lines[prev].strip().lstrip("-").strip()
    if above is None and " " in text and not text.startswith(("'", '"', "[", "{")):
        head, _, rest = text.partition(" ")
        return (f"line {prev + 1} ('{text}') has no ':' after its key, so YAML reads it and "
                f"line {row + 1} as one text: write '{head}: {rest.strip()}'")
    if line.lstrip().startswith("-"):
        return _dash(lines, row, prev)
    what = f"'{found[1]}'" if found else f"line {row + 1}"
    if above is None:
        return (f"{what} is indented more than line {prev + 1}, whose value is already "
                "given: line it up with the keys it belongs with")
    col, prev_key = above
    return (f"{what} is indented more than '{prev_key}' on line {prev + 1}, whose value is "
            f"already given: line it up with '{prev_key}' (column {col + 1}): "
            f"{_alike(lines, prev, col)}")


def _unclosed(text: str) -> str | None:
    """The first ``[`` or ``{`` the text never closes, in words."""
    stack: list[yaml.Token] = []
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken):
                stack.append(token)
            elif isinstance(token, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken):
                if stack:
                    stack.pop()
    except yaml.YAMLError:
        pass
    if not stack:
        return None
    token = stack[0]
    opened, closing = ("[", "]") if isinstance(token, yaml.FlowSequenceStartToken) else ("{", "}")
    mark = token.start_mark
    return (f"the '{opened}' on line {mark.line + 1}, column {mark.column + 1} is never closed "
            f"with '{closing}'")


def _explain(exc: yaml.MarkedYAMLError, text: str) -> str | None:
    """What a YAML syntax error means, in plain words with the fix; None if unknown.

    PyYAML says where it stopped and which token it expected; the slip is usually a key
    that does not line up with its neighbours, a missing ``:``, a ``: `` inside a value,
    an unclosed bracket or quote, or a tab.
    """
    problem, context = exc.problem or "", exc.context or ""
    mark, where = exc.problem_mark, exc.context_mark
    if mark is None or problem.startswith("duplicate key"):
        return None
    lines = text.splitlines()
    row, column = mark.line, mark.column
    if "'\\t'" in problem or "'\t'" in problem:
        return "YAML indents with spaces only: replace the tab with spaces"
    if "that cannot start any token" in problem:
        char = problem.split("'")[1] if problem.count("'") >= 2 else "it"
        return f"a value cannot start with '{char}': put the value in quotes"
    if "<stream end>" in problem and "flow" in context:
        return _unclosed(text) or "the file ends inside a [ ... ] or { ... }"
    if "quoted scalar" in context and where is not None:
        return (f"the quote opened on line {where.line + 1}, column {where.column + 1} is "
                "never closed")
    if problem == "mapping values are not allowed here":
        return _over_indented(lines, row, column)
    if problem == "could not find expected ':'" and where is not None:
        text_line = lines[where.line].strip() if where.line < len(lines) else ""
        head, _, rest = text_line.lstrip("- ").partition(" ")
        return (f"line {where.line + 1} ('{text_line}') has no ':' after its key: write "
                f"'{head}: {rest.strip()}'")
    if problem.startswith("expected <block end>"):
        if "'<scalar>'" in problem:
            return (f"unexpected text after the value on line {row + 1}: remove it, or put "
                    "the whole value in quotes")
        return _misaligned(lines, row)
    if problem.startswith("found undefined alias"):
        return ("a value starting with '*' refers to an anchor ('&name') defined earlier, "
                "and there is none: put the value in quotes if it is text")
    if problem == "but found another document":
        return "a file holds one document: remove the '---' line"
    return None


def yaml_lines(text: str) -> dict[tuple[Any, ...], int]:
    """The line (from 1) of every key and list entry of a YAML document, by its path.

    ``{("levers",): 3, ("levers", 0): 4, ("levers", 0, "start"): 5, ...}``: a mapping
    entry's line is its key's, a list entry's the line it starts on. Empty when the text
    does not parse (call it on text :func:`parse_yaml` has read).
    """
    try:
        root = yaml.compose(text, Loader=_Loader)  # a SafeLoader subclass: safe
    except yaml.YAMLError:
        return {}
    out: dict[tuple[Any, ...], int] = {}
    seen: set[int] = set()

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        if id(node) in seen:  # an alias: its anchor's lines are already there
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                step = (*path, key.value if isinstance(key, yaml.ScalarNode) else str(key))
                out.setdefault(step, key.start_mark.line + 1)
                walk(value, step)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                out.setdefault((*path, i), item.start_mark.line + 1)
                walk(item, (*path, i))

    if root is not None:
        walk(root, ())
    return out


def read_text(path: str | Path, error: type[BorderflowError], kind: str = "file") -> str:
    """The UTF-8 text of the file at ``path``; any failure raises ``error`` naming it.

    ``kind`` names the file in messages ("network file", "scenario file").
    """
    path = Path(path)
    source = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise error(f"{source}: larger than {MAX_BYTES:,} bytes; not read")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{source}: {kind} not found") from None
    except UnicodeDecodeError:
        raise error(f"{source}: cannot read {kind}: not UTF-8 text") from None
    except OSError as exc:
        raise error(f"{source}: cannot read {kind}: {exc.strerror or exc}") from None


def read_yaml(path: str | Path, error: type[BorderflowError], kind: str = "file") -> Any:
    """Read and parse the YAML file at ``path``; any failure raises ``error`` naming it.

    ``kind`` names the file in messages ("network file", "scenario file").
    """
    return parse_yaml(read_text(path, error, kind), str(path), error)


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
