"""Settings: TOML < environment < flags, validated with messages that name the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from occasional.config import load_config, settings_table
from occasional.exceptions import ConfigError


def test_defaults_use_home_and_sqlite(tmp_path: Path) -> None:
    config = load_config(tmp_path, environ={})
    assert config.home == tmp_path
    assert config.database == f"sqlite:///{tmp_path / 'occasional.sqlite'}"
    assert config.fetch.allow_networks == ()


def test_file_then_environment_then_overrides(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[fetch]\nper_host = 2\nconcurrency = 7\n")
    env = {"OCCASIONAL_FETCH_PER_HOST": "3", "OCCASIONAL_ALLOW_NETWORKS": "127.0.0.0/8, ::1/128"}
    config = load_config(tmp_path, {"fetch": {"concurrency": 9}}, environ=env)
    assert config.fetch.per_host == 3  # environment beats the file
    assert config.fetch.concurrency == 9  # flags beat both
    assert config.fetch.allow_networks == ("127.0.0.0/8", "::1/128")


def test_home_from_environment(tmp_path: Path) -> None:
    config = load_config(environ={"OCCASIONAL_HOME": str(tmp_path / "h")})
    assert config.home == tmp_path / "h"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[fetch]\nper_host = 0\n", "fetch.per_host"),
        ("[fetch]\nallow_networks = ['not-a-net']\n", "fetch.allow_networks"),
        ("[fetch]\nbogus = 1\n", "fetch.bogus"),
        ("[poll]\nmin_interval = 'soon'\n", "poll.min_interval"),
    ],
)
def test_invalid_settings_name_the_setting(tmp_path: Path, text: str, named: str) -> None:
    (tmp_path / "config.toml").write_text(text)
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load_config(tmp_path, environ={})


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[fetch\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(tmp_path, environ={})


def test_settings_table_lists_every_section() -> None:
    names = {name for name, _, _ in settings_table()}
    assert {"fetch.allow_networks", "poll.min_interval", "articles.keep_html_days"} <= names
    assert all(help_text for _, _, help_text in settings_table())
