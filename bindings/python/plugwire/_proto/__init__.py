"""Python code generated from protobuf/plugwire.proto (do not edit; see scripts/regen_proto.py)."""
