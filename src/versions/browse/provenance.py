"""Which version of a document was made from which, as a graph."""

from __future__ import annotations

from dataclasses import dataclass

from .documents import DocumentInfo


RELATIONS = ("translation-of", "copy-of", "revision-of", "edition-of")


@dataclass(frozen=True)
class ProvenanceEdge:
    source: str  # slug of the version something was made from
    target: str  # slug of the version made from it
    relation: str  # translation-of, copy-of, revision-of or edition-of (as stored)


@dataclass(frozen=True)
class ProvenanceNode:
    id: str  # version slug
    label: str
    kind: str
    language: str
    depth: int  # 0 for a version made from no recorded version; else 1 + the greatest depth of its sources
    known: bool = True  # False for a source the document does not hold (a broken reference, shown as such)
    transcribed: bool = True
    illustrative: bool = False
    is_base: bool = False


@dataclass
class Provenance:
    """Which version of a document was made from which: a graph over the versions (``derivations``)."""

    nodes: list[ProvenanceNode]  # every version, by depth, then in the order of the corpus
    edges: list[ProvenanceEdge]  # in the order of the corpus

    def node(self, slug: str) -> ProvenanceNode | None:
        return next((node for node in self.nodes if node.id == slug), None)

    def sources(self, slug: str) -> list[ProvenanceEdge]:
        return [edge for edge in self.edges if edge.target == slug]

    def derived(self, slug: str) -> list[ProvenanceEdge]:
        return [edge for edge in self.edges if edge.source == slug]

    @property
    def unconnected(self) -> list[ProvenanceNode]:
        """Versions neither made from nor made into another recorded version."""
        linked = {edge.source for edge in self.edges} | {edge.target for edge in self.edges}
        return [node for node in self.nodes if node.id not in linked]


def provenance(document: DocumentInfo) -> Provenance:
    """The provenance graph of a document, from the derivations read with it (``DocumentInfo.versions``).

    Depth is the length of the longest chain of sources above a version. ``versions check`` refuses cycles and
    unknown sources; a database holding them anyway still gives a graph (a cycle is cut where it closes, an unknown
    source is a node marked ``known=False``)."""
    order = {version.id: index for index, version in enumerate(document.versions)}
    edges = [
        ProvenanceEdge(source, version.id, relation)
        for version in document.versions
        for source, relation in version.derived_from
        if source != version.id
    ]
    sources: dict[str, list[str]] = {}
    for edge in edges:
        sources.setdefault(edge.target, []).append(edge.source)
    depths: dict[str, int] = {}

    def depth(slug: str, trail: frozenset[str]) -> int:
        if slug in depths:
            return depths[slug]
        above = [source for source in sources.get(slug, ()) if source not in trail]
        found = 1 + max((depth(source, trail | {slug}) for source in above), default=-1)
        depths[slug] = found
        return found

    nodes = [
        ProvenanceNode(version.id, version.label, version.kind, version.language, depth(version.id, frozenset()),
                       transcribed=version.transcribed, illustrative=version.illustrative,
                       is_base=version.id == document.base)
        for version in document.versions
    ]
    for edge in edges:
        if edge.source not in order:
            order[edge.source] = len(order)
            nodes.append(ProvenanceNode(edge.source, edge.source, "unknown", "", 0, known=False, transcribed=False))
    nodes.sort(key=lambda node: (node.depth, order[node.id]))
    return Provenance(nodes, edges)
