"""Packaging: an installed (not editable) package finds the models it ships."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from decensor_app.engines import MODELS_DIR_VARIABLE, default_models_dir

REPO = Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")  # Python 3.11+


def test_every_package_folder_is_listed_for_setuptools() -> None:
    """pyproject.toml lists its packages (the models folder is mapped into one); a new package
    folder missing there would be left out of every non-editable install."""
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "decensor_app").rglob("__init__.py")
    }
    wanted = found | {"decensor_app.models"}
    assert set(setuptools["packages"]) == wanted, (
        f"[tool.setuptools] packages in pyproject.toml should be {sorted(wanted)}"
    )
    assert setuptools["package-dir"]["decensor_app.models"] == "models"


def test_a_checkout_finds_its_top_level_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODELS_DIR_VARIABLE)
    assert default_models_dir() == REPO / "models"
    monkeypatch.setenv(MODELS_DIR_VARIABLE, "/elsewhere")
    assert default_models_dir() == Path("/elsewhere")


@pytest.mark.slow
def test_an_installed_package_finds_the_models_it_ships(tmp_path: Path) -> None:
    # Built from a copy: pip builds in the source tree and would leave build/ in the checkout.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for name in ("decensor_app", "models"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    shutil.rmtree(source)  # nothing may be found in the copy, only in the installed package

    script = (
        "import json, decensor_app\n"
        "from decensor_app.engines import default_models_dir, list_models\n"
        "print(json.dumps({'package': decensor_app.__file__, 'models_dir': "
        "str(default_models_dir()), 'models': [m.name for m in list_models()]}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != MODELS_DIR_VARIABLE}
    env["PYTHONPATH"] = str(target)
    elsewhere = tmp_path / "elsewhere"  # not the checkout, nor the installed folder
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert Path(found["package"]).is_relative_to(target)
    models_dir = Path(found["models_dir"])
    assert models_dir == target / "decensor_app" / "models"
    shipped = sorted((REPO / "models").glob("*.json"))
    assert shipped, "the checkout ships no models"
    assert {path.stem for path in shipped} <= set(found["models"])
    for path in (REPO / "models").iterdir():  # manifests, weights and the model card
        assert (models_dir / path.name).read_bytes() == path.read_bytes()
