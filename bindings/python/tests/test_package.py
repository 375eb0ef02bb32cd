"""The package itself: generated protobuf code is current, the library is found (bundled
when installed), PLUGWIRE_LIBRARY overrides it, and the examples run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import plugwire

from conftest import PACKAGE_ROOT, PYTHON, REPO_ROOT, python_env


def test_generated_protobuf_code_is_current() -> None:
    result = subprocess.run(
        [PYTHON, str(PACKAGE_ROOT / "scripts" / "regen_proto.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_library_loads_and_matches_the_crate() -> None:
    path = plugwire.library_path()
    assert path.is_file()
    cargo_version = re.search(r'^version = "([^"]+)"', (REPO_ROOT / "Cargo.toml").read_text(), re.M)
    assert cargo_version is not None
    assert plugwire.library_version() == cargo_version.group(1)
    package_dir = Path(plugwire.__file__).parent
    assert (package_dir / "py.typed").is_file()
    assert (package_dir / "_proto" / "plugwire_pb2.pyi").is_file()
    if os.environ.get("PLUGWIRE_EXPECT_BUNDLED") == "1":
        # run-tests.sh: the pip-installed package carries its own library.
        assert "PLUGWIRE_LIBRARY" not in os.environ
        assert path.parent == package_dir, f"{path} is not the library bundled in {package_dir}"


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    full_env = python_env()
    full_env.update(env)
    return subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=full_env, timeout=60)


def test_plugwire_library_overrides_the_search(tmp_path: Path) -> None:
    other = tmp_path / plugwire.library_path().name
    shutil.copy2(plugwire.library_path(), other)
    code = "import plugwire, plugwire.sync; print(plugwire.library_path());" \
        "c = plugwire.sync.Client(); c.connect_embedded(simulated=True); c.close()"
    result = run_python(code, PLUGWIRE_LIBRARY=str(other))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(other)

    result = run_python("import plugwire; plugwire.library_path()", PLUGWIRE_LIBRARY=str(tmp_path / "nope.so"))
    assert result.returncode != 0
    assert "LibraryNotFoundError" in result.stderr and "nope.so" in result.stderr


def test_native_logging_reaches_python_logging() -> None:
    code = (
        "import logging, plugwire, plugwire.sync\n"
        "records = []\n"
        "class H(logging.Handler):\n"
        "    def emit(self, r): records.append(r.getMessage())\n"
        "logging.getLogger('plugwire.native').addHandler(H())\n"
        "logging.getLogger('plugwire.native').setLevel(logging.INFO)\n"
        "plugwire.enable_native_logging(logging.INFO)\n"
        "with plugwire.sync.Client() as c:\n"
        "    c.connect_embedded(simulated=['LVS-Lush'])\n"
        "    c.scan(timeout=10, count=1)\n"
        "plugwire.disable_native_logging()\n"
        "print(len(records))\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 0


def test_quickstart_runs_to_completion() -> None:
    result = subprocess.run(
        [PYTHON, str(PACKAGE_ROOT / "examples" / "quickstart.py")],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "LVS-Lush: DeviceType; Vibrate:10; Battery; Vibrate:0;" in result.stdout
    assert "RotateChange; Rotate:6;" in result.stdout
    assert "Air:Level:2;" in result.stdout and "FSetSite:30;" in result.stdout
    assert result.stdout.rstrip().endswith("every toy stopped")
