"""The corpus's YAML, read safely: no aliases, no deep nesting, field names that are plain text given once, no
number YAML 1.1 reads in a form ``int`` may choke on, and lines counted as the rest of the tool counts them.

``parse_yaml`` gives the mapping and the line of every field and list item, or records one ``Problem``.
"""

from __future__ import annotations

import re

import yaml

from ..errors import Problem, clipped, problem

MAX_YAML_DEPTH = 20


class _Loader(yaml.SafeLoader):
    """Safe YAML in pure Python: slower, but its errors name the lines people expect."""


class _FastLoader(getattr(yaml, "CSafeLoader", _Loader)):
    """Safe YAML through LibYAML where it is installed: parsing is a large part of a build."""


# Dates stay text, as the corpus format says: no implicit timestamps (which fail on 1951-02-30 without a line).
_Loader.yaml_implicit_resolvers = _FastLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, shown: str, first_line: int, problems: list[Problem]):
    """(mapping, line of each field and list item: see ``_node_lines``) or None after recording the problem."""
    try:
        _check_yaml_text(text)
        node, data = _read_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        problems.append(problem(shown, line, f"broken YAML: {error.problem or error.context}"))
        return None
    except (yaml.YAMLError, ValueError) as error:
        problems.append(problem(shown, first_line, f"broken YAML: {error}"))
        return None
    if not isinstance(data, dict):
        problems.append(problem(shown, first_line, "expected a YAML mapping of field: value"))
        return None
    _keep_bare_year(node, data)
    return data, _node_lines(node, first_line)


def _node_lines(node, first_line: int, path: tuple = ()) -> dict:
    """The line of every field and list item below ``node``: a top-level field by its name (``'date'``), anything
    deeper by its path (``('derived_from', 1)`` for the second item of that list, ``('source', 'url')``)."""
    lines: dict = {}
    if isinstance(node, yaml.MappingNode):
        children = [(key.value, key, value) for key, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = [(index, item, item) for index, item in enumerate(node.value)]
    else:
        return lines
    for name, marked, value in children:
        lines[name if not path else (*path, name)] = first_line + marked.start_mark.line
        lines.update(_node_lines(value, first_line, (*path, name)))
    return lines


def within(lines: dict, *path) -> dict:
    """The lines of the fields of the mapping at ``path``, by field name, as the reader's field checks take them."""
    return {key[-1]: line for key, line in lines.items() if isinstance(key, tuple) and key[:-1] == path}


def _keep_bare_year(node, data: dict) -> None:
    """``date: 1951`` is a year written without quotes; any other number (``0x79f``, ``1_951``, ``01951``) is not."""
    for key, value in node.value:
        if key.value == "date" and isinstance(value, yaml.ScalarNode) and _BARE_YEAR.match(value.value):
            data["date"] = value.value


# Characters YAML refuses (its reader's rule) or counts as line breaks where the rest of the tool counts only "\n".
_NOT_YAML_TEXT = re.compile("[^\x09\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")


def _check_yaml_text(text: str) -> None:
    """Refuse, at its own line, a character that would stop YAML without a line or shift the lines YAML counts."""
    if found := _NOT_YAML_TEXT.search(text):
        offset = found.start()
        line, column = text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1)
        char = found.group()
        kind = "line separator" if char in "\x85\u2028\u2029" else "control character"
        message = f"{kind} U+{ord(char):04X} at column {column + 1}; YAML text may not hold it"
        raise yaml.MarkedYAMLError(problem=message, problem_mark=yaml.Mark("", offset, line, column, None, None))


def _read_yaml(text: str):
    """(node, data) of a YAML text read by LibYAML; on an error, the pure-Python parser's error, which names the
    line of an unclosed bracket rather than the line after it."""
    try:
        _check_events(text, _FastLoader)
        return _compose_and_construct(text, _FastLoader)
    except yaml.MarkedYAMLError as fast_error:
        try:
            _check_events(text, _Loader)
            _compose_and_construct(text, _Loader)
        except yaml.MarkedYAMLError as error:
            raise error from None
        raise fast_error


def _check_events(text: str, loader: type) -> None:
    """Refuse aliases and deep nesting before anything is composed: an alias bomb (billion laughs) would expand
    downstream, and PyYAML's composer recurses once per level."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(problem="aliases (*name) are not allowed in the corpus", problem_mark=event.start_mark)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"nested more than {MAX_YAML_DEPTH} levels deep", problem_mark=event.start_mark
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _compose_and_construct(text: str, loader_class: type):
    """The node tree (for key lines and repeated keys) and the data, from one composition."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        _check_keys(node)
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _check_keys(node) -> None:
    """Field names are plain text, each given once. YAML would also take a list, a number or null as a key
    (unhashable, or not a field name), merge another mapping in with ``<<`` (a field given twice, unseen), and keep
    the last of two equal keys silently."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if getattr(key, "tag", None) == _MERGE_TAG:
                raise _marked(key, "merge keys (<<) are not allowed; write each field out")
            if not isinstance(key, yaml.ScalarNode) or key.tag != _TEXT_TAG:
                raise _marked(key, f"field names are text, not {_node_shown(key)}")
            if key.value in seen:
                raise _marked(key, f"field {key.value!r} is given twice")
            seen.add(key.value)
            _check_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_keys(item)


_TEXT_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _marked(node, message: str) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(problem=message, problem_mark=node.start_mark)


def _node_shown(node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return f"{clipped(node.value)} ({node.tag.rpartition(':')[2]})"


def _construct_number(loader, node) -> int:
    """YAML 1.1 also reads ``0x79f``, ``017``, ``1_951`` and ``3:25`` as numbers, and a number of thousands of digits
    that ``int`` refuses. No corpus field is a number: only a short plain decimal is read as one (and reported as a
    number where text is due); any other is refused where it stands."""
    if not _PLAIN_NUMBER.match(node.value):
        raise _marked(node, f"{clipped(node.value)} reads as a number; put it in quotes if it is text")
    return int(node.value)


_PLAIN_NUMBER = re.compile(r"[-+]?[0-9]{1,18}\Z")
_BARE_YEAR = re.compile(r"[0-9]{4}\Z")
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_number)
_FastLoader.add_constructor("tag:yaml.org,2002:int", _construct_number)
