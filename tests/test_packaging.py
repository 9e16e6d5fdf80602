"""Packaging: an installed (not editable) package finds the models it ships, and the environment
holds exactly the versions pinned in requirements.lock."""

from __future__ import annotations

import fnmatch
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from decensor_app.engines import MODELS_DIR_VARIABLE, default_models_dir
from decensor_app.folders import SAMPLE_PICTURE

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements.lock"
tomllib = pytest.importorskip("tomllib")  # Python 3.11+


@dataclass(frozen=True)
class Pin:
    """One package of the lock: ``name==version ; marker --hash=sha256:...``."""

    name: str  # canonical (lower case, dashes)
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]


def read_lock(path: Path) -> dict[str, Pin]:
    """The pins of a pip requirements file with hashes (as scripts/refresh_lock.sh writes it),
    by canonical name. Fails on an entry that is not an exact ``==`` pin with hashes, since
    ``pip install --require-hashes`` would refuse it."""
    text = re.sub(r"\\\n", " ", path.read_text())  # join the backslash-continued lines
    pins: dict[str, Pin] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):  # uv's header and its "# via" annotations
            continue
        requirement_text, *hashes = re.split(r"\s+--hash=", line)
        requirement = Requirement(requirement_text)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"not a pin: {line}"
        assert hashes, f"{requirement.name} has no --hash in {path.name}"
        name = canonicalize_name(requirement.name)
        pins[name] = Pin(name, specifiers[0].version, requirement.marker, tuple(hashes))
    return pins


def lock_mismatches(
    path: Path, installed: Callable[[str], str] = importlib.metadata.version
) -> list[str]:
    """One line per pin of the lock (that applies to this platform and Python) whose installed
    version differs or that is not installed; ``installed`` maps a name to its version."""
    problems = []
    for pin in read_lock(path).values():
        if pin.marker is not None and not pin.marker.evaluate():
            continue  # e.g. colorama, only on Windows
        try:
            version = installed(pin.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{pin.name}: not installed, the lock pins {pin.version}")
            continue
        if version != pin.version:
            problems.append(f"{pin.name}: installed {version}, the lock pins {pin.version}")
    return problems


def pyproject_requirements() -> list[Requirement]:
    """What pyproject.toml asks for: dependencies, the extras bootstrap.sh installs, and the
    build requirements (bootstrap.sh builds the project with the locked setuptools)."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    extras = pyproject["project"]["optional-dependencies"]
    wanted = [
        *pyproject["project"]["dependencies"],
        *extras["test"],
        *extras["train"],
        *pyproject["build-system"]["requires"],
    ]
    return [Requirement(text) for text in wanted]


def test_the_lock_pins_what_pyproject_asks_for() -> None:
    pins = read_lock(LOCK)
    problems = []
    for requirement in pyproject_requirements():
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement} is not in the lock")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            problems.append(f"{requirement} is not met by the pin {pin.name}=={pin.version}")
    assert not problems, (
        "requirements.lock disagrees with pyproject.toml (run scripts/refresh_lock.sh):\n"
        + "\n".join(problems)
    )
    # scripts/bootstrap.sh checks its interpreter against this line.
    assert re.search(r"^# python: >=\d+\.\d+$", LOCK.read_text(), re.MULTILINE)
    # The point: the same TensorFlow, Keras, PySide6 and NumPy everywhere.
    assert {"tensorflow", "keras", "pyside6-essentials", "numpy", "jax"} <= set(pins)


def test_the_installed_versions_equal_the_lock() -> None:
    problems = lock_mismatches(LOCK)
    assert not problems, (
        "this environment differs from requirements.lock (./test.sh or ./decensor.sh "
        "re-installs from it):\n" + "\n".join(problems)
    )


def test_a_version_that_differs_from_the_lock_is_named(tmp_path: Path) -> None:
    # Compared with what the real lock gives, so that this holds in an environment out of date.
    before = set(lock_mismatches(LOCK))
    changed = tmp_path / "requirements.lock"
    text, count = re.subn(r"^numpy==\S+", "numpy==1.0.0", LOCK.read_text(), flags=re.MULTILINE)
    assert count == 1
    changed.write_text(text)
    numpy = importlib.metadata.version("numpy")
    assert set(lock_mismatches(changed)) - before == {
        f"numpy: installed {numpy}, the lock pins 1.0.0"
    }

    def without_keras(name: str) -> str:
        if name == "keras":
            raise importlib.metadata.PackageNotFoundError(name)
        return importlib.metadata.version(name)

    keras = read_lock(LOCK)["keras"].version
    assert f"keras: not installed, the lock pins {keras}" in lock_mismatches(
        LOCK, installed=without_keras
    )


def test_pins_for_other_platforms_are_not_asked_for(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text(
        "# a comment\n"
        "not-a-real-package==1.0 ; sys_platform == 'no-such-platform' \\\n"
        "    --hash=sha256:00\n"
        "    # via nothing\n"
    )
    assert set(read_lock(lock)) == {"not-a-real-package"}
    assert lock_mismatches(lock) == []
    lock.write_text("not-a-real-package==1.0 --hash=sha256:00\n")
    assert lock_mismatches(lock) == ["not-a-real-package: not installed, the lock pins 1.0"]


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


def _source_copy(folder: Path) -> Path:
    """What a build needs of the checkout, copied into ``folder``/source: pip builds in the
    source tree and would leave build/ in the checkout."""
    source = folder / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for name in ("decensor_app", "models"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    return source


@pytest.mark.slow
def test_an_installed_package_finds_the_models_it_ships(tmp_path: Path) -> None:
    source = _source_copy(tmp_path)
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


def test_the_sample_picture_is_package_data_equal_to_the_quick_starts() -> None:
    """One sample: the package's copy (what a per-user data folder gets) is the checkout's
    decensor_input/sample.png, and pyproject.toml ships it."""
    assert SAMPLE_PICTURE.is_relative_to(REPO / "decensor_app")
    assert SAMPLE_PICTURE.read_bytes() == (REPO / "decensor_input" / "sample.png").read_bytes()
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    relative = SAMPLE_PICTURE.relative_to(REPO / "decensor_app").as_posix()
    patterns = setuptools["package-data"]["decensor_app"]
    assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


@pytest.mark.slow
def test_the_wheel_ships_the_sample_picture(tmp_path: Path) -> None:
    source = _source_copy(tmp_path)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheels), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = wheels.glob("decensor_app-*.whl")
    inside = SAMPLE_PICTURE.relative_to(REPO).as_posix()  # decensor_app/resources/sample.png
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read(inside) == SAMPLE_PICTURE.read_bytes()
