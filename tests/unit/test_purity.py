"""services/ and workflows/ stay pure: importing every module of either package loads neither Flask nor the
database nor the portal (a fresh interpreter, so what other tests imported does not count)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "flask_wtf", "flask_babel", "sqlalchemy", "flask_sqlalchemy", "portal")

CHECK = """
import importlib, pkgutil, sys
package = importlib.import_module({package!r})
modules = [package.__name__] + [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
for name in modules:
    importlib.import_module(name)
print(len(modules))
print(sorted({{m.split('.')[0] for m in sys.modules}} & set({forbidden!r})))
"""


@pytest.mark.parametrize("package", ["services", "workflows"])
def test_package_stays_free_of_flask_and_the_database(package):
    code = CHECK.format(package=package, forbidden=FORBIDDEN)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    count, loaded = out.stdout.strip().splitlines()
    assert int(count) >= 3  # the package and its modules were really imported
    assert loaded == "[]"
