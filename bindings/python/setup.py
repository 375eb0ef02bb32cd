"""Build step of the plugwire wheel: compiles the native library with cargo and puts it in
the package, and marks the wheel as platform-specific (it carries a shared library, but
no Python extension: the tag is py3-none-<platform>).

Environment:
  PLUGWIRE_BUNDLE_LIBRARY  bundle this already-built library instead of running cargo
  PLUGWIRE_CARGO_PROFILE   cargo profile to build (default: release)
  PLUGWIRE_STRIP           0 keeps debug information in the bundled library (Linux)
  PLUGWIRE_WHEEL_PLATFORM  build a wheel for another platform (a wheel platform tag such as
                           win_amd64) around PLUGWIRE_BUNDLE_LIBRARY, a library built for it
                           (scripts/build-windows' plugwire.dll for win_amd64)
  CARGO                    the cargo to run (default: cargo on PATH)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent


LIBRARY_NAMES = ("plugwire.dll", "libplugwire.dylib", "libplugwire.so")


def wheel_platform() -> str | None:
    return os.environ.get("PLUGWIRE_WHEEL_PLATFORM") or None


def library_name() -> str:
    platform = wheel_platform() or sys.platform
    if platform == "win32" or platform.startswith("win_"):
        return "plugwire.dll"
    if platform == "darwin" or platform.startswith("macosx_"):
        return "libplugwire.dylib"
    return "libplugwire.so"


def find_repo_root() -> Path:
    for parent in [HERE, *HERE.parents]:
        manifest = parent / "Cargo.toml"
        if manifest.is_file() and 'name = "plugwire"' in manifest.read_text():
            return parent
    raise SystemExit(
        "plugwire: cannot find the Rust crate (Cargo.toml) above "
        f"{HERE}; build from the source checkout, or set PLUGWIRE_BUNDLE_LIBRARY to a built library"
    )


def build_native_library() -> Path:
    bundled = os.environ.get("PLUGWIRE_BUNDLE_LIBRARY")
    if bundled:
        path = Path(bundled)
        if not path.is_file():
            raise SystemExit(f"PLUGWIRE_BUNDLE_LIBRARY={bundled} is not a file")
        return path
    if wheel_platform():
        raise SystemExit(
            f"PLUGWIRE_WHEEL_PLATFORM={wheel_platform()} needs PLUGWIRE_BUNDLE_LIBRARY, a library built for that platform"
        )
    root = find_repo_root()
    cargo = os.environ.get("CARGO", "cargo")
    profile = os.environ.get("PLUGWIRE_CARGO_PROFILE", "release")
    manifest = str(root / "Cargo.toml")
    cmd = [cargo, "build", "--lib", "--manifest-path", manifest]
    cmd += ["--release"] if profile == "release" else ["--profile", profile]
    print("plugwire: " + " ".join(cmd), flush=True)
    try:
        subprocess.run(cmd, check=True, cwd=root)
        meta = subprocess.run(
            [cargo, "metadata", "--format-version", "1", "--no-deps", "--manifest-path", manifest],
            check=True,
            cwd=root,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        raise SystemExit("plugwire: cargo was not found; install Rust (https://rustup.rs) or set CARGO") from None
    except subprocess.CalledProcessError as e:
        raise SystemExit(f"plugwire: cargo failed ({e.returncode})") from None
    target = Path(json.loads(meta.stdout)["target_directory"])
    out_dir = "debug" if profile in ("dev", "debug") else profile
    path = target / out_dir / library_name()
    if not path.is_file():
        raise SystemExit(f"plugwire: cargo built, but {path} is missing")
    return path


def regenerate_protobuf_code(build_lib: Path) -> None:
    """Generates plugwire_pb2.py(i) from protobuf/plugwire.proto into the build, so the
    wheel always matches the .proto it is built with (grpcio-tools is a build requirement;
    without it, or outside the checkout, the checked-in code is used)."""
    try:
        import grpc_tools  # noqa: F401
    except ImportError:
        print("plugwire: grpcio-tools not available, bundling the checked-in protobuf code", flush=True)
        return
    proto = None
    for parent in [HERE, *HERE.parents]:
        candidate = parent / "protobuf" / "plugwire.proto"
        if candidate.is_file():
            proto = candidate
            break
    if proto is None:
        return
    out = build_lib / "plugwire" / "_proto"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{proto.parent}", f"--python_out={out}", f"--pyi_out={out}", str(proto)],
        check=True,
    )
    for name in ("plugwire_pb2.py", "plugwire_pb2.pyi"):
        checked_in = HERE / "plugwire" / "_proto" / name
        if not checked_in.is_file() or checked_in.read_bytes() != (out / name).read_bytes():
            print(
                f"plugwire: WARNING: the checked-in {name} differs from what {proto.name} generates; "
                "run scripts/regen_proto.py and commit the result",
                flush=True,
            )


class BuildPyWithNativeLibrary(build_py):
    def run(self) -> None:
        super().run()
        regenerate_protobuf_code(Path(self.build_lib))
        library = build_native_library()
        destination = Path(self.build_lib) / "plugwire" / library_name()
        destination.parent.mkdir(parents=True, exist_ok=True)
        # The build folder outlives a build: a library another platform's wheel left there
        # must not ride along.
        for other in LIBRARY_NAMES:
            (destination.parent / other).unlink(missing_ok=True)
        shutil.copy2(library, destination)
        # The release profile keeps line tables for backtraces; the wheel does not need
        # them (PLUGWIRE_STRIP=0 keeps them).
        strip = shutil.which("strip")
        linux = sys.platform.startswith("linux") and library_name() == "libplugwire.so"
        if linux and strip and os.environ.get("PLUGWIRE_STRIP", "1") != "0":
            subprocess.run([strip, "--strip-debug", str(destination)], check=False)
        print(f"plugwire: bundled {library} as {destination}", flush=True)


class PlatformWheel(bdist_wheel):
    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self) -> tuple[str, str, str]:
        _, _, platform = super().get_tag()
        platform = wheel_platform() or platform
        # ctypes, no extension module: any Python 3, this platform.
        return "py3", "none", platform


class BinaryDistribution(Distribution):
    def has_ext_modules(self) -> bool:
        return True


setup(
    distclass=BinaryDistribution,
    cmdclass={"build_py": BuildPyWithNativeLibrary, "bdist_wheel": PlatformWheel},
)
