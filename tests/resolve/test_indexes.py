"""Index discovery follows pip's documented order, then uv's, then the public default."""

from __future__ import annotations

import os
from pathlib import Path

from license_gate.model import IndexOption, Place
from license_gate.resolve.indexes import PYPI_SIMPLE, discover, pip_config_files

NO_FILES = {"PIP_CONFIG_FILE": os.devnull}


def _conf(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


def test_nothing_configured_is_pypi_by_default() -> None:
    found = discover(env=NO_FILES, config_files=[])
    assert found.urls == (PYPI_SIMPLE,) and found.default


def test_pip_config_files_load_in_pip_s_order_each_overriding_the_one_before(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_DIRS": str(tmp_path / "xdg"), "XDG_CONFIG_HOME": str(tmp_path / "home-cfg"),
           "PIP_CONFIG_FILE": str(tmp_path / "chosen.conf")}
    files = pip_config_files(env, prefix=str(tmp_path / "venv"), home=tmp_path / "home")
    assert files == [tmp_path / "xdg" / "pip" / "pip.conf", Path("/etc/pip.conf"),
                     tmp_path / "home" / ".pip" / "pip.conf",
                     tmp_path / "home-cfg" / "pip" / "pip.conf",
                     tmp_path / "venv" / "pip.conf", tmp_path / "chosen.conf"]
    assert pip_config_files({"PIP_CONFIG_FILE": os.devnull}) == []


def test_a_later_config_file_and_the_install_section_win(tmp_path: Path) -> None:
    global_conf = _conf(tmp_path / "global.conf", "[global]\nindex-url = https://global/simple\n"
                        "extra-index-url = https://g-extra/simple\n")
    user_conf = _conf(tmp_path / "user.conf", "[global]\nindex-url = https://user/simple\n"
                      "[install]\nextra-index-url =\n    https://i1/simple\n    https://i2/simple\n")
    found = discover(env={}, config_files=[global_conf, user_conf])
    assert found.urls == ("https://user/simple", "https://i1/simple", "https://i2/simple")
    assert found.origin == str(user_conf)


def test_environment_beats_files_and_the_command_line_beats_both(tmp_path: Path) -> None:
    conf = _conf(tmp_path / "pip.conf", "[global]\nindex-url = https://file/simple\n")
    env = {"PIP_INDEX_URL": "https://env/simple", "PIP_EXTRA_INDEX_URL": "https://e1 https://e2"}
    assert discover(env=env, config_files=[conf]).urls == (
        "https://env/simple", "https://e1", "https://e2")
    found = discover("https://cli/simple", ["https://cli-extra"], env=env, config_files=[conf])
    assert found.urls == ("https://cli/simple", "https://cli-extra")
    assert found.origin == "--index-url"


def test_requirements_file_options_come_after_the_command_line_and_before_pip_s_settings(
        tmp_path: Path) -> None:
    options = [IndexOption("https://req/simple", False, Place("requirements.txt", 1)),
               IndexOption("https://req-extra/simple", True, Place("requirements.txt", 2))]
    found = discover(options=options, env={"PIP_INDEX_URL": "https://env/simple"}, config_files=[])
    assert found.urls == ("https://req/simple", "https://req-extra/simple")
    assert found.origin == "requirements.txt:1"
    assert discover("https://cli/simple", options=options, env={}, config_files=[]).urls == (
        "https://cli/simple", "https://req-extra/simple")


def test_uv_settings_apply_only_where_pip_has_none(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[[tool.uv.index]]\nname = "corp"\nurl = "https://corp/simple"\n'
        'default = true\n[[tool.uv.index]]\nname = "torch"\nurl = "https://torch/whl"\n'
        'explicit = true\n')
    found = discover(env={}, root=tmp_path, config_files=[])
    assert found.urls == ("https://corp/simple",) and found.origin == "pyproject.toml"
    assert discover(env={"UV_DEFAULT_INDEX": "https://uv-env/simple"}, root=tmp_path,
                    config_files=[]).urls == ("https://uv-env/simple",)
    assert discover(env={"PIP_INDEX_URL": "https://pip/simple"}, root=tmp_path,
                    config_files=[]).urls == ("https://pip/simple",)


def test_folders_cannot_be_asked_and_say_so_and_credentials_are_never_described(
        tmp_path: Path) -> None:
    conf = _conf(tmp_path / "pip.conf", "[global]\nextra-index-url = file:///opt/pypi/simple\n")
    found = discover(env={}, config_files=[conf])
    assert found.urls == (PYPI_SIMPLE,) and found.default
    assert found.skipped == ("file:///opt/pypi/simple",)
    assert any("not http(s)" in n for n in found.notes)
    secret = discover("https://ci:tok3n@nexus.example/simple", env={}, config_files=[])
    assert "tok3n" not in secret.describe() and "***@nexus.example" in secret.describe()


def test_a_broken_pip_config_is_a_note_not_a_crash(tmp_path: Path) -> None:
    conf = _conf(tmp_path / "pip.conf", "[global\nindex-url = x\n")
    found = discover(env={}, config_files=[conf])
    assert found.default and any(str(conf) in n for n in found.notes)
