"""Documentation is checked: every command, setting and stage is documented."""

import re

from conftest import ROOT
from storyline.cli import cli
from storyline.pipeline import STAGES
from storyline.settings import SETTINGS


def test_docs_every_command_has_a_section_and_help():
    text = (ROOT / "docs" / "cli.md").read_text()
    documented = set(re.findall(r"^## storyline ([\w-]+)", text, re.M))
    commands = set(cli.commands)
    assert commands - documented == set(), "add these commands to docs/cli.md"
    for name, command in cli.commands.items():
        assert (command.help or "").strip(), f"`storyline {name}` has no help text"


def test_docs_every_setting_is_documented():
    text = (ROOT / "docs" / "settings.md").read_text()
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in text]
    assert missing == [], "add these settings to docs/settings.md"


def test_docs_every_stage_is_documented():
    text = (ROOT / "docs" / "stages.md").read_text()
    documented = set(re.findall(r"^## (\w+)", text, re.M))
    assert set(STAGES) - documented == set(), "add these stages to docs/stages.md"
