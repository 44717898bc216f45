"""The committed reference tables are what scripts/derive_regions.py makes from the shared geo data."""

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
GEO_DIR = REPO_ROOT.parent / "shared" / "data" / "geo"
DATA_DIR = REPO_ROOT / "src" / "keten" / "regions" / "data"
SCRIPT = REPO_ROOT / "scripts" / "derive_regions.py"


IN_CI = os.environ.get("CI", "").lower() == "true"


def test_derivation_reproduces_the_committed_files(tmp_path):
    if not (GEO_DIR / "gemeente_2025.geojson").exists():
        message = f"the shared geo data ({GEO_DIR}) is not beside the checkout"
        if IN_CI:
            pytest.fail(message + "; CI lays shared/ beside the clone", pytrace=False)
        pytest.skip(message)
    subprocess.run([sys.executable, str(SCRIPT), str(GEO_DIR), "--out", str(tmp_path), "--quiet"],
                   check=True, timeout=120)
    derived = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in DATA_DIR.iterdir() if p.is_file())
    assert derived == committed
    _match, mismatch, errors = filecmp.cmpfiles(tmp_path, DATA_DIR, derived, shallow=False)
    assert mismatch == [] and errors == [], "re-run scripts/derive_regions.py and commit the result"
