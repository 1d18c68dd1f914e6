"""settings: defaults, file and environment overlays, clear errors."""

import pytest

from storyline.errors import ConfigError
from storyline.settings import SETTINGS, load_settings


def test_settings_defaults_are_declared_once_with_help():
    settings = load_settings(environ={})
    for s in SETTINGS:
        assert settings[s.name] == s.default and s.help.strip()
    assert settings.dedup.threshold == 0.8


def test_settings_file_then_environment_override_key_by_key(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("[dedup]\nthreshold = 0.7\n[ingest]\nbatch_size = 10\n")
    settings = load_settings(path, environ={"STORYLINE_INGEST_BATCH_SIZE": "20"})
    assert settings.dedup.threshold == 0.7 and settings.ingest.batch_size == 20
    assert settings.dedup.num_perm == 128  # untouched keys keep their defaults
    assert settings.digest() != load_settings(environ={}).digest()


@pytest.mark.parametrize("content, message", [
    ("[dedup]\nthresold = 0.7\n", "unknown setting 'dedup.thresold'"),
    ("[dedup]\nthreshold = 'high'\n", "dedup.threshold must be float"),
    ("dedup = 3\n", "must be a [section]"),
    ("[dedup\n", "cannot read settings file"),
])
def test_settings_errors_name_the_key(tmp_path, content, message):
    path = tmp_path / "s.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_settings(path, environ={})


def test_settings_bad_environment_value():
    with pytest.raises(ConfigError, match="STORYLINE_INGEST_WORKERS"):
        load_settings(environ={"STORYLINE_INGEST_WORKERS": "many"})
