//! Byte-exact tests of every protocol handler, one module per protocol family. Expected
//! bytes are written from the protocols' facts (docs/protocols/), never printed from the
//! code under test.

mod harness;
mod test_kit;

mod foreo;
mod galaku;
mod hismith_mini;
mod honeyplaybox;
mod joyhub;
mod kiiroo_v21;
mod libo_vibes;
mod lovedistance;
mod lovense;
mod magic_motion_1;
mod monsterpub;
mod satisfyer;
mod sensee_v2;
mod sexverse_v1;
mod svakom_pulse;
mod svakom_v2;
mod wevibe;
mod wevibe_8bit;
