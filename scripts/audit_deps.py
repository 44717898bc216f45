"""The dependency audit of `make test`: pip-audit over the virtual environment; any known vulnerability fails the
build unless it is listed below with the reason it does not apply.

pip-audit asks a vulnerability service on the internet (PyPI's). Where it cannot be reached, as on Keten's closed
build machines, it audits nothing: this says so loudly, and passes, since a closed network cannot tell; with
KETEN_REQUIRE_DEPENDENCY_AUDIT=1 (the release pipeline, which can reach PyPI) it fails instead. See
docs/operations.md, "Supply chain"."""

import json
import os
import subprocess  # nosec B404: runs pip-audit from this virtual environment, with fixed arguments
import sys
from pathlib import Path

#: Vulnerability id -> why it does not apply to Keten. Empty: nothing known is accepted.
ACCEPTED: dict[str, str] = {}


def main() -> int:
    pip_audit = Path(sys.executable).parent / "pip-audit"
    command = [str(pip_audit), "--skip-editable", "--format", "json", "--progress-spinner", "off"]
    for vulnerability in ACCEPTED:
        command += ["--ignore-vuln", vulnerability]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stderr or done.stdout, file=sys.stderr)
        print("pip-audit gave no report", file=sys.stderr)
        return 1
    dependencies = report["dependencies"]
    audited = [d for d in dependencies if "skip_reason" not in d]
    found = [(d["name"], d["version"], v["id"], ", ".join(v.get("fix_versions", [])) or "no fix yet")
             for d in audited for v in d.get("vulns", [])]
    for name, version, vulnerability, fixes in found:
        print(f"pip-audit: {name} {version}: {vulnerability} (fixed in: {fixes})", file=sys.stderr)
    if found:
        return 1
    if not audited:
        print(f"pip-audit: NOT AUDITED: the vulnerability service answered for none of the {len(dependencies)} "
              f"dependencies (no internet on this machine?), so none was checked. Run `make audit-deps` where PyPI "
              f"can be reached (docs/operations.md, 'Supply chain').", file=sys.stderr)
        return 1 if os.environ.get("KETEN_REQUIRE_DEPENDENCY_AUDIT") == "1" else 0
    skipped = len(dependencies) - len(audited)
    print(f"pip-audit: {len(audited)} dependencies audited, 0 known vulnerabilities"
          + (f" ({skipped} not found on PyPI, not audited)" if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
