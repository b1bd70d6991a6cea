"""Drawing the provenance graph of a document (``versions.browse.provenance``) as inline SVG, without JavaScript.

Two drawings of one graph, chosen by a media query:

wide (a desktop window)
    layers top to bottom: the versions made from no recorded version on top, each other version one layer below
    its lowest source (a layered, Sugiyama-style drawing: an edge spanning several layers passes through a point of
    each layer between, the order within a layer follows the mean position of the sources). Every arrow runs from a
    version to one made from it and is labelled with how it was made.
narrow (a phone, or a window too small for the wide drawing at its own size)
    one version per line, sources before what was made from them and unconnected versions last, each arrow a line in
    the left margin; how a version was made is written in its own box ("translation of: ..."), so no label has to
    fit beside an arrow.

A media query built from the wide drawing's width (``ProvenanceView.breakpoint``) shows one or the other, so neither
is ever shrunk to unreadable text.

Geometry only: the template (``_versions_macros.html``, ``provenance``) turns these into SVG elements, so every label
reaches the page through Jinja's autoescape. Text widths are estimated (no font metrics on the server): labels are
wrapped at a number of characters that fits the box with room to spare.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from ..browse import RELATIONS, Provenance, ProvenanceEdge, ProvenanceNode

#: relation -> (arrow label, phrase in a sentence)
RELATION_WORDS = {
    "translation-of": ("translated", "translation of"),
    "copy-of": ("copied", "copy of"),
    "revision-of": ("revised", "revision of"),
    "edition-of": ("edited", "edition of"),
}
KIND_CLASSES = {"original", "archival-copy", "translation", "edition"}

LINE = 16  # px between lines of 13 px text
SMALL_LINE = 15  # px between lines of 12 px text
CHAR = 7.2  # estimated px per character of 13 px text (generous for sans-serif, Latin and Cyrillic)
SMALL_CHAR = 6.6
PAD = 8
MARGIN = 6
MAX_LABEL_LINES = 3

# wide
NODE_WIDTH = 196
GAP_X = 26
GAP_Y = 62
DUMMY_WIDTH = 14

# narrow
NARROW_WIDTH = 340
LANE = 10
NARROW_GAP = 10


def relation_class(relation: str) -> str:
    """A CSS class for a relation: one of the four known, else ``other`` (a stored value never reaches markup
    outside autoescaped text)."""
    return relation if relation in RELATIONS else "other"


def arrow_label(relation: str) -> str:
    return RELATION_WORDS.get(relation, (relation.replace("-", " "), ""))[0]


def relation_phrase(relation: str) -> str:
    return RELATION_WORDS.get(relation, ("", relation.replace("-", " ")))[1]


@dataclass(frozen=True)
class Box:
    id: str
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]  # the label, wrapped
    details: tuple[str, ...]  # kind · language ..., and in the narrow drawing how the version was made
    classes: str
    title: str

    @property
    def text_x(self) -> float:
        return self.x + PAD

    def line_y(self, index: int) -> float:
        """Baseline of the label's line ``index`` (the details follow the label)."""
        return self.y + PAD + 12 + index * LINE

    def detail_y(self, index: int) -> float:
        return self.line_y(len(self.lines)) + 1 + index * SMALL_LINE


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    relation: str  # as stored, for the title
    css: str  # relation_class
    path: str  # SVG path data
    label: str | None  # arrow label (wide drawing only)
    title: str  # "<target label>: translation of <source label>"
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass(frozen=True)
class Drawing:
    name: str  # wide | narrow
    width: int
    height: int
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    relations: tuple[str, ...]  # css classes of the relations drawn, for the arrowhead markers


def _wrap(text: str, width_px: float, char_px: float, max_lines: int | None = None) -> tuple[str, ...]:
    chars = max(4, int(width_px // char_px))
    lines = textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=False) or [""]
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: chars - 1].rstrip() if len(last) >= chars else last) + "…"
    return tuple(lines)


def _classes(node: ProvenanceNode) -> str:
    classes = ["pv-node", "kind-" + (node.kind if node.kind in KIND_CLASSES else "other")]
    if node.is_base:
        classes.append("is-base")
    if not node.transcribed:
        classes.append("untranscribed")
    if not node.known:
        classes.append("unknown")
    return " ".join(classes)


def _facts(node: ProvenanceNode) -> list[str]:
    """Lines of small print under a version's label: kind and language, then what is special about it."""
    if not node.known:
        return ["not a version of this document"]
    first = " · ".join(fact for fact in (node.kind.replace("-", " "), node.language, "base" if node.is_base else "")
                       if fact)
    return [first, "not transcribed"] if not node.transcribed else [first]


def _details(node: ProvenanceNode, width_px: float) -> tuple[str, ...]:
    return tuple(line for fact in _facts(node) for line in _wrap(fact, width_px, SMALL_CHAR))


def _title(node: ProvenanceNode) -> str:
    return f"{node.label} ({', '.join(_facts(node))})"


def _arrow_title(edge: ProvenanceEdge, nodes: dict[str, ProvenanceNode]) -> str:
    source, target = nodes.get(edge.source), nodes.get(edge.target)
    return (f"{target.label if target else edge.target}: {relation_phrase(edge.relation)} "
            f"{source.label if source else edge.source}")


def _curve(x1: float, y1: float, x2: float, y2: float) -> str:
    """A cubic segment leaving downward and arriving downward."""
    middle = (y1 + y2) / 2
    return f"C {x1:.1f} {middle:.1f} {x2:.1f} {middle:.1f} {x2:.1f} {y2:.1f}"


def _spread(center: float, count: int, index: int, room: float) -> float:
    """Where the ``index``-th of ``count`` arrows meets a box side of width ``room`` around ``center``."""
    if count <= 1:
        return center
    step = min(22.0, room / (count - 1))
    return center + (index - (count - 1) / 2) * step


# The wide drawing ---------------------------------------------------------------------------------------------------


def layers(graph: Provenance) -> list[list[str]]:
    """The versions by depth, each layer ordered to keep arrows short and uncrossed (one barycentre pass down), with
    ``~source>target@depth`` placeholders where an arrow crosses a layer. In the top layer the versions with arrows
    come first, unconnected ones last."""
    depth = {node.id: node.depth for node in graph.nodes}
    order = {node.id: index for index, node in enumerate(graph.nodes)}
    unconnected = {node.id for node in graph.unconnected}
    count = max(depth.values(), default=-1) + 1
    members: list[list[str]] = [[] for _ in range(count)]
    for node in graph.nodes:
        members[node.depth].append(node.id)
    parents: dict[str, list[str]] = {}
    for edge in graph.edges:
        chain = [edge.source] + [_dummy(edge, d) for d in range(depth[edge.source] + 1, depth[edge.target])]
        for d, point in enumerate(chain[1:], start=depth[edge.source] + 1):
            members[d].append(point)
            order[point] = len(order)
        for above, below in zip(chain, [*chain[1:], edge.target]):
            parents.setdefault(below, []).append(above)
    if not members:
        return []
    members[0].sort(key=lambda slug: (slug in unconnected, order[slug]))
    for d in range(1, count):
        position = {slug: index - (len(members[d - 1]) - 1) / 2 for index, slug in enumerate(members[d - 1])}

        def centre(slug: str) -> float:
            above = [position[p] for p in parents.get(slug, ()) if p in position]
            return sum(above) / len(above) if above else float("inf")

        members[d].sort(key=lambda slug: (centre(slug), order[slug]))
    return members


def _dummy(edge: ProvenanceEdge, depth: int) -> str:
    return f"~{edge.source}>{edge.target}@{depth}"


def wide_drawing(graph: Provenance) -> Drawing:
    nodes = {node.id: node for node in graph.nodes}
    rows = layers(graph)
    label_width = NODE_WIDTH - 2 * PAD
    lines = {slug: _wrap(node.label, label_width, CHAR, MAX_LABEL_LINES) for slug, node in nodes.items()}
    details = {slug: _details(node, label_width) for slug, node in nodes.items()}
    height = 2 * PAD + max((len(lines[s]) * LINE + len(details[s]) * SMALL_LINE for s in nodes), default=0) + 2

    def width_of(slug: str) -> float:
        return DUMMY_WIDTH if slug.startswith("~") else NODE_WIDTH

    row_widths = [sum(width_of(s) for s in row) + GAP_X * (len(row) - 1) for row in rows]
    total = max(row_widths, default=0) + 2 * MARGIN
    place: dict[str, tuple[float, float]] = {}  # left x, top y
    for d, row in enumerate(rows):
        x = MARGIN + (total - 2 * MARGIN - row_widths[d]) / 2
        for slug in row:
            place[slug] = (x, MARGIN + d * (height + GAP_Y))
            x += width_of(slug) + GAP_X

    def centre(slug: str) -> float:
        return place[slug][0] + width_of(slug) / 2

    outgoing: dict[str, list[ProvenanceEdge]] = {}
    incoming: dict[str, list[ProvenanceEdge]] = {}
    for edge in graph.edges:
        outgoing.setdefault(edge.source, []).append(edge)
        incoming.setdefault(edge.target, []).append(edge)
    depth = {node.id: node.depth for node in graph.nodes}

    def first_step(edge: ProvenanceEdge) -> str:
        return _dummy(edge, depth[edge.source] + 1) if depth[edge.target] - depth[edge.source] > 1 else edge.target

    def last_step(edge: ProvenanceEdge) -> str:
        return _dummy(edge, depth[edge.target] - 1) if depth[edge.target] - depth[edge.source] > 1 else edge.source

    arrows = []
    for edge in graph.edges:
        leaving = sorted(outgoing[edge.source], key=lambda e: centre(first_step(e)))
        arriving = sorted(incoming[edge.target], key=lambda e: centre(last_step(e)))
        x1 = _spread(centre(edge.source), len(leaving), leaving.index(edge), NODE_WIDTH - 40)
        y1 = place[edge.source][1] + height
        x2 = _spread(centre(edge.target), len(arriving), arriving.index(edge), NODE_WIDTH - 40)
        y2 = place[edge.target][1]
        path = [f"M {x1:.1f} {y1:.1f}"]
        x, y = x1, y1
        for d in range(depth[edge.source] + 1, depth[edge.target]):
            dummy = _dummy(edge, d)
            top = place[dummy][1]
            path += [_curve(x, y, centre(dummy), top), f"L {centre(dummy):.1f} {top + height:.1f}"]
            x, y = centre(dummy), top + height
        path.append(_curve(x, y, x2, y2 - 1))
        # the label sits on the first stretch of the arrow, in the gap below its source
        next_x = centre(first_step(edge)) if first_step(edge) != edge.target else x2
        label_x, label_y = (x1 + next_x) / 2, y1 + GAP_Y / 2 + 4
        arrows.append(Arrow(edge.source, edge.target, edge.relation, relation_class(edge.relation), " ".join(path),
                            arrow_label(edge.relation), _arrow_title(edge, nodes), label_x, label_y))
    boxes = tuple(
        Box(slug, place[slug][0], place[slug][1], NODE_WIDTH, height, lines[slug], details[slug],
            _classes(nodes[slug]), _title(nodes[slug]))
        for row in rows for slug in row if not slug.startswith("~")
    )
    full_height = MARGIN * 2 + len(rows) * height + max(len(rows) - 1, 0) * GAP_Y
    return Drawing("wide", int(total + 0.5), int(full_height + 0.5), boxes, tuple(arrows),
                   tuple(sorted({arrow.css for arrow in arrows})))


# The narrow drawing -------------------------------------------------------------------------------------------------


def narrow_drawing(graph: Provenance) -> Drawing:
    unconnected = {node.id for node in graph.unconnected}
    rows = [slug for row in layers(graph) for slug in row if not slug.startswith("~")]
    rows = [slug for slug in rows if slug not in unconnected] + [slug for slug in rows if slug in unconnected]
    index = {slug: i for i, slug in enumerate(rows)}
    nodes = {node.id: node for node in graph.nodes}
    # one lane of the left margin per source, shared by its arrows: the shortest spans nearest the boxes, so that an
    # arrow leaving or reaching a box crosses as few lanes as possible; a lane is reused where spans do not overlap
    spans = sorted(
        (max(index[e.target] for e in graph.edges if e.source == source) - index[source], index[source] + 0.6,
         max(index[e.target] for e in graph.edges if e.source == source) + 0.3, source)
        for source in {edge.source for edge in graph.edges}
    )
    lanes: dict[str, int] = {}
    taken: list[list[tuple[float, float]]] = []
    for _, start, end, source in spans:
        lane = next((i for i, used in enumerate(taken) if all(end < a or start > b for a, b in used)), len(taken))
        if lane == len(taken):
            taken.append([])
        taken[lane].append((start, end))
        lanes[source] = lane
    gutter = MARGIN + 4 + LANE * len(taken) if taken else MARGIN
    box_width = NARROW_WIDTH - gutter - MARGIN
    text_width = box_width - 2 * PAD
    boxes, y = [], float(MARGIN)
    for slug in rows:
        node = nodes[slug]
        lines = _wrap(node.label, text_width, CHAR, MAX_LABEL_LINES)
        made: dict[str, list[str]] = {}
        for edge in graph.edges:
            if edge.target == slug:
                source = nodes.get(edge.source)
                made.setdefault(edge.relation, []).append(source.label if source else edge.source)
        details = _details(node, text_width)
        for relation, labels in made.items():
            details += _wrap(f"{relation_phrase(relation)}: {'; '.join(labels)}", text_width, SMALL_CHAR)
        height = 2 * PAD + len(lines) * LINE + len(details) * SMALL_LINE + 2
        boxes.append(Box(slug, gutter, y, box_width, height, lines, details, _classes(node), _title(node)))
        y += height + NARROW_GAP
    place = {box.id: box for box in boxes}
    arrows = []
    for edge in graph.edges:
        source, target = place[edge.source], place[edge.target]
        arriving = sorted((e for e in graph.edges if e.target == edge.target), key=lambda e: lanes[e.source])
        lane_x = gutter - 4 - LANE * lanes[edge.source] - LANE / 2
        y1 = source.y + source.height - 10
        y2 = target.y + 12 + min(arriving.index(edge) * 6, target.height / 2 - 12)
        path = f"M {gutter:.1f} {y1:.1f} H {lane_x:.1f} V {y2:.1f} H {gutter - 1:.1f}"
        arrows.append(Arrow(edge.source, edge.target, edge.relation, relation_class(edge.relation), path, None,
                            _arrow_title(edge, nodes)))
    return Drawing("narrow", NARROW_WIDTH, int(y - NARROW_GAP + MARGIN + 0.5), tuple(boxes), tuple(arrows),
                   tuple(sorted({arrow.css for arrow in arrows})))


@dataclass(frozen=True)
class ProvenanceView:
    graph: Provenance
    wide: Drawing
    narrow: Drawing | None  # None when the wide drawing fits a phone anyway

    @property
    def breakpoint(self) -> int:
        """Window width (px) below which the narrow drawing is shown instead of the wide one."""
        return max(700, self.wide.width + 64)

    @property
    def relations(self) -> list[str]:
        return sorted({edge.relation for edge in self.graph.edges}, key=lambda r: (r not in RELATIONS, r))


def provenance_view(graph: Provenance) -> ProvenanceView | None:
    """The drawings of a document's provenance, or None when no version is recorded as made from another."""
    if not graph.edges:
        return None
    wide = wide_drawing(graph)
    return ProvenanceView(graph, wide, narrow_drawing(graph) if wide.width > NARROW_WIDTH else None)
