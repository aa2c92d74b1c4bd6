"""The pins: requirements.lock (pip), environment.yml (conda/Binder) and pyproject.toml agree."""
import tomllib
from importlib import metadata

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from book.data.paths import ROOT


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock line {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def _environment_yml() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "python=3.11" in env["dependencies"]
    return {canonicalize_name(r.split("==")[0]): r.split("==")[1] for r in pip}


def _direct() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in project["dependencies"]]


def test_environment_yml_pins_the_locked_versions():
    lock, env = _lock(), _environment_yml()
    assert set(env) == {canonicalize_name(r.name) for r in _direct()}
    wrong = {name: (version, lock.get(name)) for name, version in env.items() if lock.get(name) != version}
    assert not wrong, f"environment.yml and requirements.lock disagree (yml, lock): {wrong}"


def test_locked_versions_satisfy_pyproject_ranges():
    lock = _lock()
    for req in _direct():
        version = lock.get(canonicalize_name(req.name))
        assert version, f"{req.name} is in pyproject.toml but not in requirements.lock"
        assert req.specifier.contains(version, prereleases=True), f"{req.name}=={version} violates {req.specifier}"


def test_jupyter_book_is_1x():
    assert _lock()["jupyter-book"].startswith("1.")


def test_running_environment_is_the_locked_one():
    lock = _lock()
    for req in _direct():
        assert metadata.version(req.name) == lock[canonicalize_name(req.name)], req.name
