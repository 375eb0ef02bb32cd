#!/usr/bin/env python3
"""Generates bindings/csharp/src/Proto.g.cs from protobuf/plugwire.proto.

    python scripts/gen_proto.py          # rewrite the checked-in file
    python scripts/gen_proto.py --check  # exit 1 if it differs from what would be generated

The C# binding carries no protobuf library (Unity projects suffer from extra managed
DLLs), so this script turns the schema into plain C# classes that encode and decode
themselves with the small hand-written codec in src/ProtoWire.cs.

It reads the schema through protoc (grpcio-tools' bundled one: `python -m
grpc_tools.protoc --descriptor_set_out`) and walks the descriptor with the protobuf
package grpcio-tools depends on. Only what plugwire.proto uses is supported (proto3,
no nested types, scalars, strings, bytes, enums, messages, repeated fields, oneofs); the
script stops with an error on anything else, so a schema change never silently produces
wrong code.

Mapping:
- message -> `public sealed partial class`, field -> property (PascalCase);
- enum -> `public enum` in namespace Plugwire (the API's), with the type prefix dropped
  (ERROR_CODE_NOT_CONNECTED -> NotConnected); messages go in Plugwire.Proto;
- a oneof member -> a nullable property; setting one clears the others of its oneof; a
  oneof with several members also gets a `<Name>Case` property;
- repeated -> `List<T>` (never null); packed on encode, packed or not on decode.
Encoding follows the canonical order (field number order, proto3 defaults omitted, oneof
members always written), which is what prost writes: re-encoding a decoded message gives
the same bytes.
"""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BINDING = HERE.parent
REPO_ROOT = BINDING.parent.parent
PROTO = REPO_ROOT / "protobuf" / "plugwire.proto"
OUT = BINDING / "src" / "Proto.g.cs"
NAMESPACE = "Plugwire.Proto"
ENUM_NAMESPACE = "Plugwire"

try:
    from google.protobuf import descriptor_pb2 as d
except ImportError:  # pragma: no cover
    d = None


def pascal(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in name.split("_") if p)


def upper_snake_to_pascal(name: str) -> str:
    return "".join(p[:1] + p[1:].lower() for p in name.split("_") if p)


def load_descriptor() -> "d.FileDescriptorSet":
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "plugwire.desc"
        cmd = [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{PROTO.parent}",
            f"--descriptor_set_out={out}",
            str(PROTO),
        ]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"protoc failed ({' '.join(cmd)}):\n{r.stderr}")
        fds = d.FileDescriptorSet()
        fds.ParseFromString(out.read_bytes())
        return fds


F = None  # FieldDescriptorProto, set in main

# wire type, C# type, writer method, reader expression, default check
SCALARS = {}


def init_scalars():
    global F
    F = d.FieldDescriptorProto
    SCALARS.update(
        {
            F.TYPE_UINT32: ("uint", "WriteUInt32", "r.ReadUInt32()", "{0} != 0", 0),
            F.TYPE_INT32: ("int", "WriteInt32", "r.ReadInt32()", "{0} != 0", 0),
            F.TYPE_UINT64: ("ulong", "WriteUInt64", "r.ReadUInt64()", "{0} != 0", 0),
            F.TYPE_INT64: ("long", "WriteInt64", "r.ReadInt64()", "{0} != 0", 0),
            F.TYPE_BOOL: ("bool", "WriteBool", "r.ReadBool()", "{0}", 0),
            F.TYPE_DOUBLE: ("double", "WriteDouble", "r.ReadDouble()", "{0} != 0.0", 1),
            F.TYPE_STRING: ("string", "WriteString", "r.ReadString()", "{0}.Length != 0", 2),
            F.TYPE_BYTES: ("byte[]", "WriteBytes", "r.ReadBytes()", "{0}.Length != 0", 2),
        }
    )


WIRE_VARINT, WIRE_FIXED64, WIRE_LEN = 0, 1, 2


def wire_type(field) -> int:
    if field.type == F.TYPE_DOUBLE:
        return WIRE_FIXED64
    if field.type in (F.TYPE_STRING, F.TYPE_BYTES, F.TYPE_MESSAGE):
        return WIRE_LEN
    return WIRE_VARINT


def short(type_name: str) -> str:
    return type_name.rsplit(".", 1)[-1]


class Gen:
    def __init__(self, file):
        self.file = file
        self.lines: list[str] = []
        self.enums = {e.name: e for e in file.enum_type}

    def w(self, line: str = "") -> None:
        self.lines.append(line)

    def cs_type(self, f) -> str:
        if f.type == F.TYPE_MESSAGE:
            return short(f.type_name)
        if f.type == F.TYPE_ENUM:
            return short(f.type_name)
        if f.type in SCALARS:
            return SCALARS[f.type][0]
        raise SystemExit(f"unsupported field type {f.type} ({f.name})")

    def enum_default(self, f) -> str:
        e = self.enums[short(f.type_name)]
        return f"{short(f.type_name)}.{self.enum_member(e, e.value[0])}"

    def enum_member(self, e, v) -> str:
        prefix = "".join("_" + c if c.isupper() else c for c in e.name).lstrip("_").upper() + "_"
        if not v.name.startswith(prefix):
            raise SystemExit(f"enum value {v.name} does not start with {prefix}")
        return upper_snake_to_pascal(v.name[len(prefix):])

    def generate(self) -> str:
        f = self.file
        if f.syntax != "proto3":
            raise SystemExit("only proto3 is supported")
        self.w("// <auto-generated>")
        self.w(f"// Generated by bindings/csharp/scripts/gen_proto.py from protobuf/{f.name}.")
        self.w("// Do not edit: run `python3 bindings/csharp/scripts/gen_proto.py` after changing the schema.")
        self.w("// </auto-generated>")
        self.w("using System;")
        self.w("using System.Collections.Generic;")
        self.w()
        # Enums are part of the public API (OutputType, InputType, ErrorCode...): they go in
        # the API's namespace, so users never import Plugwire.Proto, whose message names
        # (Input, Output, Event, Error...) would clash with UnityEngine.Input and others.
        self.w(f"namespace {ENUM_NAMESPACE}")
        self.w("{")
        for e in f.enum_type:
            self.gen_enum(e)
        self.w("}")
        self.w()
        self.w(f"namespace {NAMESPACE}")
        self.w("{")
        for m in f.message_type:
            self.gen_message(m)
        self.w("}")
        return "\n".join(self.lines) + "\n"

    def gen_enum(self, e) -> None:
        self.w(f"    /// <summary>plugwire.v1.{e.name}</summary>")
        self.w(f"    public enum {e.name}")
        self.w("    {")
        for v in e.value:
            self.w(f"        {self.enum_member(e, v)} = {v.number},")
        self.w("    }")
        self.w()

    def gen_message(self, m) -> None:
        if m.nested_type or m.enum_type or m.extension:
            raise SystemExit(f"{m.name}: nested types are not supported")
        name = m.name
        oneofs = [o.name for o in m.oneof_decl]
        members = {i: [f for f in m.field if f.HasField("oneof_index") and f.oneof_index == i] for i in range(len(oneofs))}
        for fld in m.field:
            if fld.proto3_optional:
                raise SystemExit(f"{name}.{fld.name}: proto3 optional is not supported (use a one-field oneof)")
            if pascal(fld.name) == name:
                raise SystemExit(f"{name}.{fld.name}: a property cannot be named like its class")
        self.w(f"    /// <summary>plugwire.v1.{name}</summary>")
        self.w(f"    public sealed partial class {name} : IProtoMessage")
        self.w("    {")
        # case enums
        for i, oname in enumerate(oneofs):
            if len(members[i]) > 1:
                self.w(f"        /// <summary>Which member of oneof {oname} is set.</summary>")
                self.w(f"        public enum {pascal(oname)}OneofCase")
                self.w("        {")
                self.w("            None = 0,")
                for fld in members[i]:
                    self.w(f"            {pascal(fld.name)} = {fld.number},")
                self.w("        }")
                self.w()
                self.w(f"        private {pascal(oname)}OneofCase _{oname}Case;")
                self.w(f"        /// <summary>Which member of oneof {oname} is set.</summary>")
                self.w(f"        public {pascal(oneofs[i])}OneofCase {pascal(oname)}Case {{ get {{ return _{oname}Case; }} }}")
                self.w()
        # fields
        for fld in m.field:
            prop = pascal(fld.name)
            t = self.cs_type(fld)
            repeated = fld.label == F.LABEL_REPEATED
            in_oneof = fld.HasField("oneof_index")
            if repeated:
                if in_oneof:
                    raise SystemExit("repeated oneof member")
                self.w(f"        private List<{t}> _{fld.name} = new List<{t}>();")
                self.w(f"        public List<{t}> {prop}")
                self.w("        {")
                self.w(f"            get {{ return _{fld.name}; }}")
                self.w(f"            set {{ _{fld.name} = value ?? new List<{t}>(); }}")
                self.w("        }")
            elif in_oneof:
                oi = fld.oneof_index
                nullable = t if fld.type in (F.TYPE_MESSAGE, F.TYPE_STRING, F.TYPE_BYTES) else t + "?"
                others = [o for o in members[oi] if o is not fld]
                self.w(f"        private {nullable} _{fld.name};")
                self.w(f"        /// <summary>Member of oneof {oneofs[oi]}; null when another member (or none) is set.</summary>")
                self.w(f"        public {nullable} {prop}")
                self.w("        {")
                self.w(f"            get {{ return _{fld.name}; }}")
                self.w("            set")
                self.w("            {")
                self.w(f"                _{fld.name} = value;")
                if others:
                    self.w("                if (value != null)")
                    self.w("                {")
                    for o in others:
                        self.w(f"                    _{o.name} = null;")
                    self.w(f"                    _{oneofs[oi]}Case = {pascal(oneofs[oi])}OneofCase.{prop};")
                    self.w("                }")
                    self.w(f"                else if (_{oneofs[oi]}Case == {pascal(oneofs[oi])}OneofCase.{prop})")
                    self.w("                {")
                    self.w(f"                    _{oneofs[oi]}Case = {pascal(oneofs[oi])}OneofCase.None;")
                    self.w("                }")
                self.w("            }")
                self.w("        }")
            else:
                if fld.type == F.TYPE_MESSAGE:
                    self.w(f"        public {t} {prop} {{ get; set; }}")
                elif fld.type == F.TYPE_STRING:
                    self.w(f"        private string _{fld.name} = \"\";")
                    self.w(f"        public string {prop} {{ get {{ return _{fld.name}; }} set {{ _{fld.name} = value ?? \"\"; }} }}")
                elif fld.type == F.TYPE_BYTES:
                    self.w(f"        private byte[] _{fld.name} = new byte[0];")
                    self.w(f"        public byte[] {prop} {{ get {{ return _{fld.name}; }} set {{ _{fld.name} = value ?? new byte[0]; }} }}")
                else:
                    self.w(f"        public {t} {prop} {{ get; set; }}")
            self.w()
        self.gen_write(m)
        self.gen_read(m)
        self.w("        /// <summary>Encodes this message.</summary>")
        self.w("        public byte[] ToByteArray()")
        self.w("        {")
        self.w("            var w = new ProtoWriter();")
        self.w("            WriteTo(w);")
        self.w("            return w.ToArray();")
        self.w("        }")
        self.w()
        self.w(f"        /// <summary>Decodes a message; throws <see cref=\"ProtoException\"/> on malformed input.</summary>")
        self.w(f"        public static {name} Parse(byte[] data)")
        self.w("        {")
        self.w(f"            var m = new {name}();")
        self.w("            var r = new ProtoReader(data, 0, data.Length);")
        self.w("            m.MergeFrom(r);")
        self.w("            return m;")
        self.w("        }")
        self.w("    }")
        self.w()

    def gen_write(self, m) -> None:
        self.w("        /// <summary>Writes the fields in field-number order (the canonical encoding).</summary>")
        self.w("        public void WriteTo(ProtoWriter w)")
        self.w("        {")
        for fld in sorted(m.field, key=lambda f: f.number):
            prop = pascal(fld.name)
            n = fld.number
            repeated = fld.label == F.LABEL_REPEATED
            in_oneof = fld.HasField("oneof_index")
            if fld.type == F.TYPE_MESSAGE:
                if repeated:
                    self.w(f"            foreach (var v in _{fld.name}) w.WriteMessage({n}, v);")
                else:
                    src = f"_{fld.name}" if in_oneof else prop
                    self.w(f"            if ({src} != null) w.WriteMessage({n}, {src});")
            elif fld.type == F.TYPE_ENUM:
                if repeated:
                    self.w(f"            if (_{fld.name}.Count != 0)")
                    self.w("            {")
                    self.w("                var packed = new ProtoWriter();")
                    self.w(f"                foreach (var v in _{fld.name}) packed.WriteRawVarint((ulong)(long)(int)v);")
                    self.w(f"                w.WritePacked({n}, packed);")
                    self.w("            }")
                elif in_oneof:
                    self.w(f"            if (_{fld.name}.HasValue) w.WriteInt32({n}, (int)_{fld.name}.Value);")
                else:
                    self.w(f"            if ((int){prop} != 0) w.WriteInt32({n}, (int){prop});")
            else:
                _, writer, _, nonzero, _ = SCALARS[fld.type]
                if repeated:
                    raise SystemExit(f"{m.name}.{fld.name}: repeated scalars other than enums are not supported")
                if in_oneof:
                    if fld.type in (F.TYPE_STRING, F.TYPE_BYTES):
                        self.w(f"            if (_{fld.name} != null) w.{writer}({n}, _{fld.name});")
                    else:
                        self.w(f"            if (_{fld.name}.HasValue) w.{writer}({n}, _{fld.name}.Value);")
                else:
                    self.w(f"            if ({nonzero.format(prop)}) w.{writer}({n}, {prop});")
        self.w("        }")
        self.w()

    def gen_read(self, m) -> None:
        self.w("        /// <summary>Reads fields until the reader's end; unknown fields are skipped.</summary>")
        self.w("        public void MergeFrom(ProtoReader r)")
        self.w("        {")
        self.w("            while (!r.AtEnd)")
        self.w("            {")
        self.w("                uint tag = r.ReadTag();")
        self.w("                switch (tag)")
        self.w("                {")
        for fld in sorted(m.field, key=lambda f: f.number):
            prop = pascal(fld.name)
            n = fld.number
            repeated = fld.label == F.LABEL_REPEATED
            wt = wire_type(fld)
            t = self.cs_type(fld)
            if fld.type == F.TYPE_MESSAGE:
                self.w(f"                    case {(n << 3) | WIRE_LEN}:")
                self.w("                    {")
                if repeated:
                    self.w(f"                        var v = new {t}();")
                    self.w("                        r.ReadMessage(v);")
                    self.w(f"                        _{fld.name}.Add(v);")
                else:
                    # Repeated occurrences of a message field merge (protobuf semantics).
                    self.w(f"                        var v = {prop} ?? new {t}();")
                    self.w("                        r.ReadMessage(v);")
                    self.w(f"                        {prop} = v;")
                self.w("                        break;")
                self.w("                    }")
            elif fld.type == F.TYPE_ENUM:
                if repeated:
                    self.w(f"                    case {(n << 3) | WIRE_VARINT}:")
                    self.w(f"                        _{fld.name}.Add(({t})r.ReadInt32());")
                    self.w("                        break;")
                    self.w(f"                    case {(n << 3) | WIRE_LEN}:")
                    self.w("                    {")
                    self.w("                        var sub = r.ReadLengthDelimited();")
                    self.w(f"                        while (!sub.AtEnd) _{fld.name}.Add(({t})sub.ReadInt32());")
                    self.w("                        break;")
                    self.w("                    }")
                else:
                    self.w(f"                    case {(n << 3) | WIRE_VARINT}:")
                    self.w(f"                        {prop} = ({t})r.ReadInt32();")
                    self.w("                        break;")
            else:
                _, _, reader, _, _ = SCALARS[fld.type]
                self.w(f"                    case {(n << 3) | wt}:")
                self.w(f"                        {prop} = {reader};")
                self.w("                        break;")
        self.w("                    default:")
        self.w("                        r.SkipField(tag);")
        self.w("                        break;")
        self.w("                }")
        self.w("            }")
        self.w("        }")
        self.w()


def generate_text() -> str:
    fds = load_descriptor()
    files = [f for f in fds.file if f.name == PROTO.name]
    if len(files) != 1:
        raise SystemExit("plugwire.proto not found in the descriptor set")
    if files[0].dependency:
        raise SystemExit("imports are not supported")
    return Gen(files[0]).generate()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    if d is None:
        print("the protobuf package is missing: pip install grpcio-tools==1.85.1", file=sys.stderr)
        return 2
    init_scalars()
    fresh = generate_text()
    if not args.check:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(fresh)
        print(f"generated {OUT.relative_to(REPO_ROOT)}")
        return 0
    current = OUT.read_text() if OUT.exists() else ""
    if current != fresh:
        diff = difflib.unified_diff(
            current.splitlines(keepends=True),
            fresh.splitlines(keepends=True),
            fromfile=f"checked-in {OUT.name}",
            tofile=f"generated {OUT.name}",
            n=1,
        )
        sys.stderr.writelines(list(diff)[:60])
        print(
            f"\n{OUT.name} differs from what {PROTO.name} generates: run "
            "`python3 bindings/csharp/scripts/gen_proto.py` and commit the result",
            file=sys.stderr,
        )
        return 1
    print("generated C# protobuf code is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
