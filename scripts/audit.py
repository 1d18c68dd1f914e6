"""Dependency audit: run pip-audit on the installed environment and say what it found.

    python scripts/audit.py [--strict] [--json FILE]

pip-audit needs the network (PyPI's per-release JSON or OSV) for its vulnerability
data. When that cannot be reached, or pip-audit is not installed, this prints
"skipped: ..." and exits 0, so an offline CI run does not fail on it; pip-audit
reporting "no known vulnerabilities" while every package was *skipped* counts as
skipped too. Findings are listed and exit 0, unless --strict (or
STORYLINE_AUDIT_STRICT=1): then they exit 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

NETWORK_ERRORS = ("ConnectionError", "Failed to resolve", "Name or service not known", "Max retries exceeded",
                  "Temporary failure in name resolution", "Could not connect", "Network is unreachable")


def summarise(report: dict) -> tuple[str, list[tuple[str, str, str, list[str]]]]:
    """('ok' | 'findings' | 'skipped', [(package, version, vulnerability id, fixed versions)])."""
    deps = report.get("dependencies", [])
    audited = [d for d in deps if not d.get("skip_reason")]
    findings = [(d["name"], d.get("version", "?"), v["id"], v.get("fix_versions") or [])
                for d in audited for v in d.get("vulns", [])]
    if not audited:
        return "skipped", findings
    return ("findings" if findings else "ok"), findings


def _run_pip_audit(service: str, keep: str | None) -> dict | str:
    """pip-audit's JSON report, or a one-line reason why there is none."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(keep or Path(tmp) / "audit.json")
        run = subprocess.run([sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "-s", service,
                              "-f", "json", "-o", str(out)], capture_output=True, text=True, timeout=1800)
        if out.exists() and out.read_text().strip():
            return json.loads(out.read_text())
    if any(e in run.stderr for e in NETWORK_ERRORS):
        return f"dependency audit ({service}) skipped: no network (the vulnerability service cannot be reached)"
    return f"dependency audit ({service}) failed to run (exit {run.returncode}):\n{run.stderr[-2000:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", default=os.environ.get("STORYLINE_AUDIT_STRICT") == "1")
    parser.add_argument("--json", help="also keep pip-audit's JSON report here")
    args = parser.parse_args(argv)
    try:
        import pip_audit  # noqa: F401
    except ImportError:
        print("dependency audit skipped: pip-audit is not installed (pip install -e '.[test]')")
        return 0
    report, failed = None, False
    for service in ("pypi", "osv"):  # PyPI's feed first; OSV when PyPI could not check anything
        got = _run_pip_audit(service, args.json)
        if isinstance(got, str):
            print(got)
            failed = failed or "failed to run" in got
            continue
        report = got
        if summarise(report)[0] != "skipped":
            break
    if report is None:
        return 1 if failed and args.strict else 0
    status, findings = summarise(report)
    deps = report.get("dependencies", [])
    if status == "skipped":
        reason = next((d.get("skip_reason") for d in deps if d.get("skip_reason")), "no packages")
        print(f"dependency audit skipped: no network (none of {len(deps)} packages could be checked; "
              f"first reason: {reason})")
        return 0
    skipped = sum(1 for d in deps if d.get("skip_reason"))
    print(f"dependency audit: {len(deps) - skipped} packages checked, {skipped} skipped, "
          f"{len(findings)} known vulnerabilities")
    for name, version, vuln, fixes in findings:
        print(f"  {name} {version}: {vuln} (fixed in {', '.join(fixes) or 'no release yet'})")
    return 1 if findings and args.strict else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, subprocess.SubprocessError) as exc:  # the audit must not break CI by itself
        print(f"dependency audit failed to run: {type(exc).__name__}: {exc}")
        sys.exit(1 if os.environ.get("STORYLINE_AUDIT_STRICT") == "1" else 0)
