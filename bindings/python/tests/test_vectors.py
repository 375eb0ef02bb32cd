"""The shared protobuf test vectors (protobuf/test-vectors, encoded by the Rust side with
prost; see examples/proto_vectors.rs) decode with the package's generated code and
re-encode byte for byte, as the C# binding's own codec must too."""

from __future__ import annotations

from plugwire._proto import plugwire_pb2 as pb

from conftest import REPO_ROOT

VECTORS = REPO_ROOT / "protobuf" / "test-vectors"


def manifest() -> list[tuple[str, str]]:
    entries = []
    for line in (VECTORS / "manifest.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        file, message, _description = line.split(" ", 2)
        entries.append((file, message))
    return entries


def test_vectors_round_trip_byte_for_byte() -> None:
    entries = manifest()
    assert len(entries) >= 30
    for file, message in entries:
        data = (VECTORS / file).read_bytes()
        decoded = getattr(pb, message).FromString(data)
        # Deterministic serialization writes fields in number order, like prost.
        assert decoded.SerializeToString(deterministic=True) == data, file


def test_vectors_decode_to_their_values() -> None:
    connect = pb.Request.FromString((VECTORS / "request-connect-embedded.bin").read_bytes()).connect_embedded
    assert connect.client_name == "C# ✓"
    assert connect.max_ping_time_ms == 4_000_000_000
    assert connect.WhichOneof("default_gap") == "default_message_gap_ms"
    output = pb.Request.FromString((VECTORS / "request-output-negative-steps.bin").read_bytes()).device_output
    assert output.steps == -7
    device = pb.Event.FromString((VECTORS / "event-device-added.bin").read_bytes()).device_added
    assert device.display_name == "Édge ✓ 夜"
    assert list(device.features[3].inputs[0].commands) == [1, 2, 3]
    log = pb.Reply.FromString((VECTORS / "reply-write-log.bin").read_bytes()).write_log
    assert log.records[1].at_us == 2**64 - 1
