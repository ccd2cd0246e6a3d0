"""The README's Python example runs as it is."""

import re

from conftest import ROOT


def test_the_readme_example_runs(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    marker = readme.index("<!-- bindings/python/tests/test_readme.py runs this example -->")
    block = re.search(r"```python\n(.*?)```", readme[marker:], re.S).group(1)
    exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "health_status CN-SN-XA" in out and out.strip().endswith("time.expired")
