"""Every example script and the tutorial notebook run (tiny settings) and write figures.

They write only into the folder they are given, nothing into the working folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))
FIGURES = {
    "stocks_quality.py": ["stocks_avatar_pca.png", "stocks_timegan_tsne.png"],
    "two_feature_series.py": ["careers_kde.png", "careers_correlation.png", "careers_3d.png"],
    "ucr_augmentation.py": [],
    "conditional_and_save.py": ["italy_samples.png"],
}


def _env(out: Path | None) -> dict:
    repo = str(EXAMPLES.parent)
    env = {k: v for k, v in os.environ.items() if k != "TSAUGMENT_EXAMPLES_OUT"}
    if out is not None:
        env["TSAUGMENT_EXAMPLES_OUT"] = str(out)
    return {
        **env,
        "TSAUGMENT_EXAMPLES_SMALL": "1",
        "PYTHONPATH": repo + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
    }


def test_every_example_is_listed():
    assert sorted(FIGURES) == [p.name for p in SCRIPTS]


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_example_script_runs_and_writes_its_figures(script, tmp_path):
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "figures")],  # the folder, as argument
        cwd=tmp_path,
        env=_env(None),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for name in FIGURES[script.name]:
        assert (tmp_path / "figures" / name).stat().st_size > 2000, name
    assert {p.name for p in tmp_path.iterdir()} <= {"figures"}, "wrote into the working folder"


def test_tutorial_notebook_runs(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    for key, value in _env(tmp_path / "figures").items():
        monkeypatch.setenv(key, value)
    notebook = nbformat.read(EXAMPLES / "tutorial.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    for name in ("tutorial_pca.png", "tutorial_kde.png", "tutorial_samples.png"):
        assert (tmp_path / "figures" / name).stat().st_size > 2000
    assert {p.name for p in tmp_path.iterdir()} == {"figures"}, "wrote into the working folder"
