"""The shared protobuf test vectors (protobuf/test-vectors, encoded by the Rust side with
prost; see examples/protobuf_test_vectors.rs) decode with the package's generated code and
re-encode byte for byte, as the JS and C# bindings' own code must too."""

from __future__ import annotations

import json

from plugwire._proto import plugwire_pb2 as pb

from conftest import REPO_ROOT

VECTORS = REPO_ROOT / "protobuf" / "test-vectors"


def test_vectors_round_trip_byte_for_byte() -> None:
    index = json.loads((VECTORS / "index.json").read_text(encoding="utf-8"))
    assert len(index) >= 15
    assert sorted(index) == sorted(p.name for p in VECTORS.glob("*.bin"))
    for file, message in index.items():
        data = (VECTORS / file).read_bytes()
        decoded = getattr(pb, message.rsplit(".", 1)[-1]).FromString(data)
        # Deterministic serialization writes fields in number order, like prost.
        assert decoded.SerializeToString(deterministic=True) == data, file


def test_vectors_decode_to_their_values() -> None:
    def load(name: str, message: type):  # type: ignore[no-untyped-def]
        return message.FromString((VECTORS / f"{name}.bin").read_bytes())

    connect = load("request_connect_embedded", pb.Request).connect_embedded
    assert connect.server_name == "plugwire ✓"
    timed = load("request_device_output_steps_duration", pb.Request).device_output
    assert timed.steps == -7 and timed.duration_ms == 500
    assert load("reply_input_reading", pb.Reply).input_reading.value == -123_456
    log = load("reply_write_log", pb.Reply).write_log
    assert any(r.at_us == 18_000_000_000_000_000_000 for r in log.records)
