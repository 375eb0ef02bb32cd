#!/usr/bin/env python3
"""Builds the C# binding's packages from a compiled Plugwire.dll and native libraries.

    python3 scripts/package.py --dll OUT/Plugwire.dll --native linux-x64=PATH/libplugwire.so \
        [--native win-x64=PATH/plugwire.dll ...] --out DIR [--version 0.1.0]

Writes, under DIR:
- Plugwire.VERSION.nupkg: a NuGet package (a zip: Plugwire.nuspec, [Content_Types].xml,
  _rels/.rels, lib/netstandard2.0/Plugwire.dll (+ .xml docs), runtimes/RID/native/LIB for
  every --native). No NuGet tool is needed (or available offline): the package is
  written as the zip NuGet reads.
- com.plugwire.client/: a Unity package (UPM) folder: package.json, README.md,
  Runtime/ with the sources and Plugwire.asmdef (Unity compiles the sources, including
  the Unity-only lifecycle helper), Plugins/PLATFORM/LIB with the native libraries and
  their import settings (.meta), and a .meta for every file and folder (with stable GUIDs)
  so the package also works from an immutable location.
--check DIR verifies an existing output instead (used by run-tests.sh).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BINDING = HERE.parent
PACKAGE_ID = "Plugwire"
UPM_NAME = "com.plugwire.client"

# RID -> (Unity plugin folder, library file name, Unity platform settings)
RIDS = {
    "linux-x64": ("Linux/x86_64", "libplugwire.so", {"os": "Linux", "cpu": "x86_64", "standalone": "StandaloneLinux64"}),
    "win-x64": ("Windows/x86_64", "plugwire.dll", {"os": "Windows", "cpu": "x86_64", "standalone": "StandaloneWindows64"}),
    "osx-x64": ("macOS", "libplugwire.dylib", {"os": "OSX", "cpu": "AnyCPU", "standalone": "StandaloneOSX"}),
    "osx-arm64": ("macOS", "libplugwire.dylib", {"os": "OSX", "cpu": "AnyCPU", "standalone": "StandaloneOSX"}),
}


def guid(path: str) -> str:
    return hashlib.md5(("plugwire:" + path).encode()).hexdigest()


def nuspec(version: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>{PACKAGE_ID}</id>
    <version>{version}</version>
    <authors>the plugwire developers</authors>
    <description>C# client for plugwire, the Buttplug intimate-hardware control standard in Rust: embedded server with simulated toys, Bluetooth LE and serial devices, or any Buttplug server over websocket. netstandard2.0, no dependencies, IL2CPP-safe.</description>
    <license type="expression">BSD-3-Clause</license>
    <readme>README.md</readme>
    <tags>buttplug intiface haptics unity</tags>
    <dependencies>
      <group targetFramework=".NETStandard2.0" />
    </dependencies>
  </metadata>
</package>
"""


CONTENT_TYPES = """<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="dll" ContentType="application/octet" />
  <Default Extension="xml" ContentType="application/octet" />
  <Default Extension="so" ContentType="application/octet" />
  <Default Extension="dylib" ContentType="application/octet" />
  <Default Extension="md" ContentType="application/octet" />
</Types>
"""

RELS = f"""<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/{PACKAGE_ID}.nuspec" Id="R1" />
</Relationships>
"""


def build_nupkg(dll: Path, natives: dict[str, Path], out: Path, version: str) -> Path:
    path = out / f"{PACKAGE_ID}.{version}.nupkg"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr(f"{PACKAGE_ID}.nuspec", nuspec(version))
        z.write(BINDING / "README.md", "README.md")
        z.write(dll, "lib/netstandard2.0/Plugwire.dll")
        docs = dll.with_suffix(".xml")
        if docs.exists():
            z.write(docs, "lib/netstandard2.0/Plugwire.xml")
        for rid, lib in natives.items():
            z.write(lib, f"runtimes/{rid}/native/{RIDS[rid][1]}")
    return path


def folder_meta(path: str) -> str:
    return f"fileFormatVersion: 2\nguid: {guid(path)}\nfolderAsset: yes\nDefaultImporter:\n  externalObjects: {{}}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n"


def file_meta(path: str) -> str:
    if path.endswith(".cs"):
        return f"fileFormatVersion: 2\nguid: {guid(path)}\nMonoImporter:\n  externalObjects: {{}}\n  serializedVersion: 2\n  defaultReferences: []\n  executionOrder: 0\n  icon: {{instanceID: 0}}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n"
    if path.endswith(".asmdef"):
        return f"fileFormatVersion: 2\nguid: {guid(path)}\nAssemblyDefinitionImporter:\n  externalObjects: {{}}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n"
    return f"fileFormatVersion: 2\nguid: {guid(path)}\nTextScriptImporter:\n  externalObjects: {{}}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n"


def plugin_meta(path: str, platform: dict) -> str:
    """Import settings of a native plugin: the editor and the one standalone player of its OS/CPU."""
    return f"""fileFormatVersion: 2
guid: {guid(path)}
PluginImporter:
  externalObjects: {{}}
  serializedVersion: 2
  iconMap: {{}}
  executionOrder: {{}}
  defineConstraints: []
  isPreloaded: 0
  isOverridable: 0
  isExplicitlyReferenced: 0
  validateReferences: 1
  platformData:
  - first:
      Any: 
    second:
      enabled: 0
      settings: {{}}
  - first:
      Editor: Editor
    second:
      enabled: 1
      settings:
        CPU: {platform["cpu"]}
        DefaultValueInitialized: true
        OS: {platform["os"]}
  - first:
      Standalone: {platform["standalone"]}
    second:
      enabled: 1
      settings:
        CPU: {platform["cpu"]}
  userData: 
  assetBundleName: 
  assetBundleVariant: 
"""


def build_upm(natives: dict[str, Path], out: Path, version: str) -> Path:
    root = out / UPM_NAME
    if root.exists():
        shutil.rmtree(root)
    (root / "Runtime").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({
        "name": UPM_NAME,
        "version": version,
        "displayName": "plugwire",
        "description": "Buttplug intimate-hardware control (plugwire): embedded server with simulated toys, Bluetooth LE and serial devices, or any Buttplug server over websocket.",
        "unity": "2019.4",
        "license": "BSD-3-Clause",
        "keywords": ["buttplug", "haptics"],
    }, indent=2) + "\n")
    shutil.copy(BINDING / "README.md", root / "README.md")
    for src in sorted((BINDING / "src").rglob("*.cs")):
        shutil.copy(src, root / "Runtime" / src.name)
    (root / "Runtime" / "Plugwire.asmdef").write_text(json.dumps({
        "name": "Plugwire",
        "rootNamespace": "Plugwire",
        "references": [],
        "includePlatforms": [],
        "excludePlatforms": [],
        "allowUnsafeCode": False,
        "overrideReferences": False,
        "autoReferenced": True,
        "noEngineReferences": False,
    }, indent=2) + "\n")
    for rid, lib in natives.items():
        folder, name, platform = RIDS[rid]
        dest = root / "Plugins" / folder
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(lib, dest / name)
        rel = f"Plugins/{folder}/{name}"
        (dest / (name + ".meta")).write_text(plugin_meta(rel, platform))
    # A .meta for every other file and folder.
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.name.endswith(".meta"):
            continue
        meta = p.with_name(p.name + ".meta")
        if meta.exists():
            continue
        meta.write_text(folder_meta(rel) if p.is_dir() else file_meta(rel))
    return root


def check(out: Path, version: str, rids: list[str]) -> list[str]:
    problems = []
    nupkg = out / f"{PACKAGE_ID}.{version}.nupkg"
    if not nupkg.exists():
        return [f"{nupkg} is missing"]
    with zipfile.ZipFile(nupkg) as z:
        names = set(z.namelist())
        for required in ["Plugwire.nuspec", "[Content_Types].xml", "_rels/.rels", "README.md", "lib/netstandard2.0/Plugwire.dll"]:
            if required not in names:
                problems.append(f"nupkg lacks {required}")
        for rid in rids:
            if f"runtimes/{rid}/native/{RIDS[rid][1]}" not in names:
                problems.append(f"nupkg lacks the {rid} native library")
        if "Plugwire.nuspec" in names:
            spec = z.read("Plugwire.nuspec").decode()
            for needle in [f"<id>{PACKAGE_ID}</id>", f"<version>{version}</version>", ".NETStandard2.0"]:
                if needle not in spec:
                    problems.append(f"nuspec lacks {needle}")
        dll = z.read("lib/netstandard2.0/Plugwire.dll") if "lib/netstandard2.0/Plugwire.dll" in names else b""
        if not dll.startswith(b"MZ"):
            problems.append("lib/netstandard2.0/Plugwire.dll is not a .NET assembly")
        extra = [n for n in names if n.startswith("lib/") and not n.startswith("lib/netstandard2.0/")]
        if extra:
            problems.append(f"unexpected lib folders: {extra}")
    root = out / UPM_NAME
    pkg = json.loads((root / "package.json").read_text()) if (root / "package.json").exists() else {}
    if pkg.get("name") != UPM_NAME or pkg.get("version") != version or "unity" not in pkg:
        problems.append("package.json lacks name/version/unity")
    asmdef = root / "Runtime" / "Plugwire.asmdef"
    if not asmdef.exists() or json.loads(asmdef.read_text()).get("name") != "Plugwire":
        problems.append("Runtime/Plugwire.asmdef missing or misnamed")
    for cs in ["PlugwireClient.cs", "Native.cs", "Proto.g.cs", "PlugwireUnityLifecycle.cs"]:
        if not (root / "Runtime" / cs).exists():
            problems.append(f"Runtime/{cs} missing")
    for rid in rids:
        folder, name, platform = RIDS[rid]
        lib = root / "Plugins" / folder / name
        meta = lib.with_name(name + ".meta")
        if not lib.exists():
            problems.append(f"Plugins/{folder}/{name} missing")
        settings = meta.read_text() if meta.exists() else ""
        wanted = ["PluginImporter", f"Standalone: {platform['standalone']}", f"OS: {platform['os']}", f"CPU: {platform['cpu']}"]
        lacking = [w for w in wanted if w not in settings]
        if lacking:
            problems.append(f"Plugins/{folder}/{name}.meta lacks its import settings ({', '.join(lacking)})")
        # Only the editor and that one player load it: not every platform.
        if "Any: \n    second:\n      enabled: 0" not in settings:
            problems.append(f"Plugins/{folder}/{name}.meta enables it on every platform")
    guids = {}
    for p in root.rglob("*"):
        if p.name.endswith(".meta"):
            continue
        meta = p.with_name(p.name + ".meta")
        if not meta.exists():
            problems.append(f"{p.relative_to(root)} has no .meta")
            continue
        g = meta.read_text().split("guid: ", 1)[1].split("\n", 1)[0]
        if g in guids:
            problems.append(f"duplicate GUID for {p.relative_to(root)} and {guids[g]}")
        guids[g] = p.relative_to(root)
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dll", type=Path)
    parser.add_argument("--native", action="append", default=[], help="RID=PATH")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--version", default="0.1.0")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    natives = {}
    for n in args.native:
        rid, _, path = n.partition("=")
        if rid not in RIDS:
            parser.error(f"unknown RID {rid} (known: {', '.join(RIDS)})")
        natives[rid] = Path(path)
    if args.check:
        problems = check(args.out, args.version, list(natives) or ["linux-x64"])
        for p in problems:
            print("package layout: " + p, file=sys.stderr)
        if problems:
            return 1
        print(f"NuGet package and Unity package layouts are complete ({', '.join(natives) or 'linux-x64'})")
        return 0
    if args.dll is None or not natives:
        parser.error("--dll and at least one --native are needed")
    args.out.mkdir(parents=True, exist_ok=True)
    nupkg = build_nupkg(args.dll, natives, args.out, args.version)
    upm = build_upm(natives, args.out, args.version)
    print(f"wrote {nupkg} and {upm}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
