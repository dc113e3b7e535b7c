"""Every setting README's configuration table names is read from the environment somewhere (config.py,
gunicorn.conf.py or the portal): a documented variable that nothing reads would be set in vain."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READS = r"""(?:environ\.get|_env_int|_env_bool|getenv|_int)\(\s*["']{name}["']"""


def documented_settings() -> set[str]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ")[0]
    return {name for line in section.splitlines() if line.startswith("| `")
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1])}


def test_every_documented_setting_is_read_from_the_environment():
    sources = "\n".join(path.read_text(encoding="utf-8") for path in (
        ROOT / "config.py", ROOT / "gunicorn.conf.py", *sorted((ROOT / "portal").rglob("*.py"))))
    names = documented_settings()
    assert len(names) > 50  # the table was found and read
    assert sorted(n for n in names if not re.search(READS.format(name=n), sources)) == []
