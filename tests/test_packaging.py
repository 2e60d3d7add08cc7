"""The supported CPythons are stated once, in pyproject.toml; what cannot derive them
(the workflows' matrices) must agree with it."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
CI_WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def supported_versions():
    text = PYPROJECT.read_text(encoding="utf-8")
    return re.findall(r'"Programming Language :: Python :: (3\.\d+)"', text)


def test_requires_python_starts_at_the_oldest_supported_version():
    versions = supported_versions()
    assert versions == sorted(versions, key=lambda v: int(v.split(".")[1])) and versions
    assert f'requires-python = ">={versions[0]}"' in PYPROJECT.read_text(encoding="utf-8")


@pytest.mark.skipif(not CI_WORKFLOW.exists(), reason="the workflows are not in the sdist")
def test_the_ci_matrix_is_the_supported_versions():
    matrix = re.search(r"python-version: \[(.*?)\]", CI_WORKFLOW.read_text(encoding="utf-8"))
    assert matrix and re.findall(r'"(3\.\d+)"', matrix.group(1)) == supported_versions()
