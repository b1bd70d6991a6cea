"""versions.heap: what a long document's build holds is kept off the collector's passes, and handed back."""

import gc
import weakref

from versions.heap import set_apart, settle


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the collector frees it


def settled_garbage() -> weakref.ref:
    """A weak reference to a cycle made, settled and dropped: alive as long as the collector leaves it."""
    node = Node()
    alive = weakref.ref(node)
    settle()
    del node
    gc.collect()
    return alive


def test_what_is_set_apart_is_not_collected_within_the_block_and_its_garbage_is_collected_on_leaving():
    with set_apart():
        alive = settled_garbage()
        assert alive() is not None  # set apart: no pass visits it
    assert alive() is None  # handed back and collected at once, before another block sets it apart again


def test_settle_outside_a_block_sets_nothing_apart():
    assert settled_garbage()() is None
