"""The feature-API import rule (checked by `make lint`) catches a deep import between features."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

from tests.support.import_rules import FeatureApiContract


def _package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def make_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(importer_line: str, name: str) -> grimp.ImportGraph:
        _package(
            tmp_path,
            {
                f"{name}/__init__.py": "",
                f"{name}/features/__init__.py": "",
                f"{name}/features/faq/__init__.py": "from .store import Store\n",
                f"{name}/features/faq/store.py": "class Store: ...\n",
                f"{name}/features/planner/__init__.py": "",
                f"{name}/features/planner/handlers.py": f"import {name}.features.faq.store\n"
                if importer_line == "deep"
                else f"from {name}.features.faq import Store\n",
            },
        )
        return grimp.build_graph(name)

    return make


def _contract(name: str) -> FeatureApiContract:
    return FeatureApiContract("feature api", {}, {"features": f"{name}.features"})


def test_importing_another_features_package_is_kept(make_graph) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph("face", "goodpkg")
    assert _contract("goodpkg").check(graph, verbose=False).kept


def test_importing_inside_another_feature_is_broken(make_graph) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph("deep", "badpkg")
    check = _contract("badpkg").check(graph, verbose=False)
    assert not check.kept
    (broken,) = check.metadata["broken"]
    assert broken["importer"] == "badpkg.features.planner.handlers"
    assert broken["imported"] == "badpkg.features.faq.store" and broken["line"] == 1
