import threading
import time

from conftest import VERSION_EN, write_files
from versions.store import build
from versions.watch import changed_documents, watch

WAIT_SECONDS = 30


def test_changed_paths_name_their_document_folders(tmp_path):
    root = tmp_path / "translations"
    paths = [root / "doc-1" / "en.md", root / "doc-2" / "document.yaml", root / ".import-x" / "doc-3" / "en.md",
             root, tmp_path / "elsewhere.md", root / "doc-1" / "alignment.yaml"]
    assert changed_documents(root, map(str, paths)) == {"doc-1", "doc-2"}


def test_watching_rebuilds_an_edited_document_and_says_so(small_corpus, tmp_path):
    db_path = tmp_path / "versions.db"
    build(small_corpus, db_path)
    said: list[str] = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(small_corpus, db_path), kwargs={"say": said.append, "stop": stop})
    watcher.start()
    try:
        time.sleep(0.5)  # let the watcher start following the folder
        write_files(small_corpus, {"doc-1/en.md": VERSION_EN.replace("Mao Zedong.", "Mao Tse-tung.")})
        assert wait_for(lambda: said), "no rebuild after an edit"
        assert said[0] == f"{db_path}: 1 built, 0 unchanged, 0 removed; 3 paragraphs"
        write_files(small_corpus, {"doc-1/en.md": "---\nkind: poem\nlanguage: en\n---\nText.\n"})
        assert wait_for(lambda: len(said) > 1), "no word after a bad edit"
        assert said[1].startswith(f"{small_corpus}/doc-1/en.md:2: unknown kind 'poem'")
    finally:
        stop.set()
        watcher.join(10)
    assert not watcher.is_alive()


def wait_for(condition) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
