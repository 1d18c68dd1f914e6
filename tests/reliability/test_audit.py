"""The dependency audit step (scripts/audit.py): findings, clean runs and offline runs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from harness import ROOT

spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_audit_all_skipped_is_not_a_clean_bill():
    report = {"dependencies": [{"name": "click", "version": "8.1.7", "skip_reason": "not found on PyPI"}]}
    assert audit.summarise(report) == ("skipped", [])


def test_audit_lists_findings_with_fixes():
    report = {"dependencies": [
        {"name": "click", "version": "8.1.7", "vulns": []},
        {"name": "jinja2", "version": "3.0.0", "vulns": [{"id": "GHSA-x", "fix_versions": ["3.1.3"]}]},
        {"name": "gone", "version": "1", "skip_reason": "not on PyPI"},
    ]}
    assert audit.summarise(report) == ("findings", [("jinja2", "3.0.0", "GHSA-x", ["3.1.3"])])
    assert audit.summarise({"dependencies": report["dependencies"][:1]}) == ("ok", [])


def test_audit_without_pip_audit_says_skipped(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pip_audit", None)  # import fails
    assert audit.main([]) == 0
    assert "skipped: pip-audit is not installed" in capsys.readouterr().out


@pytest.mark.slow
def test_audit_script_runs_and_never_fails_offline():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "audit.py")], capture_output=True, text=True,
                            timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("dependency audit")
