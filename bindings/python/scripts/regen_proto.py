#!/usr/bin/env python3
"""Regenerates plugwire/_proto/plugwire_pb2.py(i) from protobuf/plugwire.proto.

    python scripts/regen_proto.py          # rewrite the checked-in files
    python scripts/regen_proto.py --check  # exit 1 if they differ from what would be generated

Needs grpcio-tools (``python -m grpc_tools.protoc``). The generated code depends on the
protoc bundled with grpcio-tools, so the check pins one version (GRPCIO_TOOLS_VERSION):
with another version installed it says so instead of reporting a spurious difference.
"""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
import tempfile
from pathlib import Path

# The grpcio-tools release the checked-in code was generated with (run-tests.sh installs it).
GRPCIO_TOOLS_VERSION = "1.85.1"

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent
REPO_ROOT = PACKAGE_ROOT.parent.parent
PROTO = REPO_ROOT / "protobuf" / "plugwire.proto"
OUT_DIR = PACKAGE_ROOT / "plugwire" / "_proto"
GENERATED = ("plugwire_pb2.py", "plugwire_pb2.pyi")


def installed_grpcio_tools() -> str | None:
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover
        return None
    try:
        return version("grpcio-tools")
    except PackageNotFoundError:
        return None


def generate(into: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"-I{PROTO.parent}",
        f"--python_out={into}",
        f"--pyi_out={into}",
        str(PROTO),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"protoc failed ({' '.join(cmd)}):\n{result.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)

    have = installed_grpcio_tools()
    if have is None:
        print("grpcio-tools is not installed: pip install grpcio-tools==" + GRPCIO_TOOLS_VERSION, file=sys.stderr)
        return 2
    if have != GRPCIO_TOOLS_VERSION:
        print(
            f"grpcio-tools {have} is installed but the checked-in code is generated with "
            f"{GRPCIO_TOOLS_VERSION}: pip install grpcio-tools=={GRPCIO_TOOLS_VERSION} "
            "(or bump GRPCIO_TOOLS_VERSION and regenerate)",
            file=sys.stderr,
        )
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        if not args.check:
            for name in GENERATED:
                (OUT_DIR / name).write_bytes((Path(tmp) / name).read_bytes())
            print(f"regenerated {', '.join(GENERATED)} in {OUT_DIR}")
            return 0
        stale = []
        for name in GENERATED:
            fresh = (Path(tmp) / name).read_text()
            current_path = OUT_DIR / name
            current = current_path.read_text() if current_path.exists() else ""
            if fresh != current:
                stale.append(name)
                diff = difflib.unified_diff(
                    current.splitlines(keepends=True),
                    fresh.splitlines(keepends=True),
                    fromfile=f"checked-in {name}",
                    tofile=f"generated {name}",
                    n=1,
                )
                sys.stderr.writelines(list(diff)[:60])
        if stale:
            print(
                f"\n{', '.join(stale)} differ from what {PROTO.name} generates: "
                "run `python bindings/python/scripts/regen_proto.py` and commit the result",
                file=sys.stderr,
            )
            return 1
        print("generated protobuf code is current")
        return 0


if __name__ == "__main__":
    sys.exit(main())
