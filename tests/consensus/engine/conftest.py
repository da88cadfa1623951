"""Fixtures for the opinion-group engine tests (pure numpy/scipy, no database).

The real Pol.is conversations (CC BY 4.0, see ATTRIBUTION.md next to them) live
outside the repository in `shared/data/polis/`, next to the checkout. They are
read from there, never copied: `COCREATE_POLIS_DATA` names the folder
explicitly (CI clones the repo elsewhere), else `<repo>/../shared/data/polis`,
else `/work/shared/data/polis`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cocreate.consensus import polis

REPO = Path(__file__).resolve().parents[3]
DATASETS = (
    "london.youth.policing",
    "15-per-hour-seattle",
    "scoop-hivemind.biodiversity",
    "vtaiwan.uberx",
)


def polis_data_folder() -> Path | None:
    candidates = []
    if os.environ.get("COCREATE_POLIS_DATA"):
        candidates.append(Path(os.environ["COCREATE_POLIS_DATA"]))
    candidates += [REPO / ".." / "shared" / "data" / "polis", Path("/work/shared/data/polis")]
    for candidate in candidates:
        if all((candidate / name / "votes.csv").is_file() for name in DATASETS):
            return candidate.resolve()
    return None


@pytest.fixture(scope="session")
def polis_data() -> Path:
    folder = polis_data_folder()
    if folder is None:
        pytest.skip(
            "Pol.is open data not found: set COCREATE_POLIS_DATA to the folder holding "
            f"{', '.join(DATASETS)} (normally <repo>/../shared/data/polis)"
        )
    return folder


class Conversation:
    """One export, read once, with its one-shot computation cached."""

    def __init__(self, folder: Path) -> None:
        self.export = polis.read_export(folder)
        self._result = None

    @property
    def result(self):
        if self._result is None:
            self._result = self.export.compute()
        return self._result


@pytest.fixture(scope="session")
def conversations(polis_data):
    cache: dict[str, Conversation] = {}

    def get(name: str) -> Conversation:
        if name not in cache:
            cache[name] = Conversation(polis_data / name)
        return cache[name]

    return get
