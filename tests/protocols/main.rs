//! Byte-exact tests of every protocol handler, one module per protocol family. Expected
//! bytes are written from the protocols' facts (docs/protocols/), never printed from the
//! code under test.

mod cipher;
mod harness;
mod sweep;

mod amorelie_joy;
mod fluffer;
mod hismith;
mod kiiroo_v2_vibrator;
mod lelo_harmony;
mod lovense;
mod luvmazer;
mod magic_motion_2;
mod magic_motion_4;
mod mysteryvibe_v2;
mod pink_punch;
mod sakuraneko;
mod sexverse_v3;
mod svakom_pair;
mod svakom_v3;
mod svakom_v4;
mod svakom_v5;
mod svakom_v6;
mod vibcrafter;
mod vorze_sa;
