//! Byte-exact tests of every protocol handler, one module per protocol family. Expected
//! bytes are written from the protocols' facts (docs/protocols/), never printed from the
//! code under test.

mod harness;
mod test_kit;

mod aneros;
mod cueme;
mod foreo;
mod galaku;
mod hismith_mini;
mod honeyplaybox;
mod itoys;
mod joyhub;
mod kiiroo_v2;
mod kiiroo_v21;
mod kiiroo_v21_initialized;
mod lelo_f1sv2;
mod libo_vibes;
mod lovedistance;
mod lovehoney_desire;
mod lovense;
mod magic_motion_1;
mod monsterpub;
mod mysteryvibe;
mod nobra;
mod patoo;
mod picobong;
mod satisfyer;
mod sensee_v2;
mod sexverse_v1;
mod sexverse_v2;
mod sexverse_v4;
mod svakom_pulse;
mod svakom_v1;
mod svakom_v2;
mod sweep;
mod tcode_v03;
mod thehandy;
mod thehandy_v3;
mod wevibe;
mod wevibe_8bit;
mod wevibe_chorus;
mod zalo;
