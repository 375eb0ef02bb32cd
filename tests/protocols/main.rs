//! Byte-exact tests of every protocol handler, one module per protocol family. Expected
//! bytes are written from the protocols' facts (docs/protocols/), never printed from the
//! code under test.

mod harness;

mod aneros;
mod cueme;
mod itoys;
mod kiiroo_v2;
mod kiiroo_v21_initialized;
mod lelo_f1sv2;
mod lovehoney_desire;
mod lovense;
mod mysteryvibe;
mod nobra;
mod patoo;
mod picobong;
mod sexverse_v2;
mod sexverse_v4;
mod svakom_v1;
mod sweep;
mod tcode_v03;
mod thehandy;
mod thehandy_v3;
mod wevibe_chorus;
mod zalo;
