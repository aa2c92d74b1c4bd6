"""The pins: requirements.lock (pip), environment.yml (conda/Binder), requirements-lab.lock (make lab) and
pyproject.toml agree."""
import tomllib
from importlib import metadata

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from book.data.paths import ROOT

#: The extras that requirements.lock and environment.yml install besides the dependencies.
LOCKED_EXTRAS = ("build", "test")


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            package, _, version = line.partition("==")
            assert version, f"{name} line {line!r} is not pinned with =="
            pins[canonicalize_name(package)] = version
    return pins


def _environment_yml() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "python=3.11" in env["dependencies"]
    return {canonicalize_name(r.split("==")[0]): r.split("==")[1] for r in pip}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _direct(*extras: str) -> list[Requirement]:
    project = _project()
    return [Requirement(r) for r in project["dependencies"]
            + [r for extra in extras for r in project["optional-dependencies"][extra]]]


def test_environment_yml_pins_the_locked_versions():
    lock, env = _pins("requirements.lock"), _environment_yml()
    assert set(env) == {canonicalize_name(r.name) for r in _direct(*LOCKED_EXTRAS)}
    wrong = {name: (version, lock.get(name)) for name, version in env.items() if lock.get(name) != version}
    assert not wrong, f"environment.yml and requirements.lock disagree (yml, lock): {wrong}"


def test_locked_versions_satisfy_pyproject_ranges():
    for lockfile, requirements in (("requirements.lock", _direct(*LOCKED_EXTRAS)),
                                   ("requirements-lab.lock", [Requirement(r) for r in
                                                              _project()["optional-dependencies"]["lab"]])):
        pins = _pins(lockfile)
        for req in requirements:
            version = pins.get(canonicalize_name(req.name))
            assert version, f"{req.name} is in pyproject.toml but not in {lockfile}"
            assert req.specifier.contains(version, prereleases=True), f"{req.name}=={version} violates {req.specifier}"


def test_lab_lock_only_adds_to_the_main_lock():
    both = set(_pins("requirements.lock")) & set(_pins("requirements-lab.lock"))
    assert not both, f"pinned in both requirements.lock and requirements-lab.lock: {sorted(both)}"


def test_jupyter_book_is_1x():
    assert _pins("requirements.lock")["jupyter-book"].startswith("1.")


def test_running_environment_is_the_locked_one():
    lock = _pins("requirements.lock")
    for req in _direct(*LOCKED_EXTRAS):
        assert metadata.version(req.name) == lock[canonicalize_name(req.name)], req.name
