//! Protocol handlers, one file per protocol family.

mod activejoy;
mod adrienlastic;
mod aes_ecb;
mod amorelie_joy;
mod aneros;
mod ankni;
mod bananasome;
mod cachito;
mod cowgirl;
mod cowgirl_cone;
mod cueme;
mod cupido;
mod deepsire;
mod feelingso;
mod fleshy_thrust;
mod fluffer;
mod fmachine;
mod foreo;
mod fox;
mod fredorch;
mod fredorch_rotary;
mod galaku;
mod handler_kit;
mod hismith;
mod hismith_mini;
mod honeyplaybox;
mod itoys;
mod joyhub;
mod kiiroo_v2;
mod kiiroo_v21;
mod kiiroo_v21_initialized;
mod kiiroo_v2_vibrator;
mod lelo_f1sv2;
mod lelo_harmony;
mod libo_vibes;
mod lovedistance;
mod lovehoney_desire;
mod lovense;
mod luvmazer;
mod magic_motion_1;
mod magic_motion_2;
mod magic_motion_4;
mod magic_motion_shapes;
mod monsterpub;
mod mysteryvibe;
mod mysteryvibe_v2;
mod nobra;
mod packet_shapes;
mod patoo;
mod picobong;
mod pink_punch;
mod sakuraneko;
mod satisfyer;
mod sensee_v2;
mod sexverse_v1;
mod sexverse_v2;
mod sexverse_v3;
mod sexverse_v4;
mod simulated;
mod svakom_common;
mod svakom_pulse;
mod svakom_v1;
mod svakom_v2;
mod svakom_v3;
mod svakom_v4;
mod svakom_v5;
mod svakom_v6;
mod tcode_v03;
mod thehandy;
mod thehandy_v3;
mod vibcrafter;
mod vorze_sa;
mod wevibe;
mod wevibe_8bit;
mod wevibe_chorus;
mod zalo;

use std::collections::HashMap;
use std::sync::Arc;

use crate::device::protocol::Protocol;

/// The protocols plugwire implements, by configuration name.
#[derive(Clone)]
pub struct ProtocolRegistry {
    protocols: HashMap<&'static str, Arc<dyn Protocol>>,
}

impl Default for ProtocolRegistry {
    fn default() -> Self {
        Self::builtin()
    }
}

impl ProtocolRegistry {
    pub fn builtin() -> ProtocolRegistry {
        let all: Vec<Arc<dyn Protocol>> = vec![
            Arc::new(activejoy::PROTOCOL),
            Arc::new(adrienlastic::PROTOCOL),
            Arc::new(amorelie_joy::PROTOCOL),
            Arc::new(aneros::ANEROS),
            Arc::new(ankni::Ankni),
            Arc::new(bananasome::PROTOCOL),
            Arc::new(cachito::PROTOCOL),
            Arc::new(cowgirl::PROTOCOL),
            Arc::new(cowgirl_cone::PROTOCOL),
            Arc::new(cueme::CUEME),
            Arc::new(cupido::PROTOCOL),
            Arc::new(deepsire::PROTOCOL),
            Arc::new(feelingso::PROTOCOL),
            Arc::new(fleshy_thrust::PROTOCOL),
            Arc::new(fluffer::Fluffer::default()),
            Arc::new(fmachine::FMachine),
            Arc::new(foreo::protocol()),
            Arc::new(fox::PROTOCOL),
            Arc::new(fredorch::Fredorch),
            Arc::new(fredorch_rotary::FredorchRotary),
            Arc::new(galaku::protocol()),
            Arc::new(hismith::Hismith),
            Arc::new(hismith_mini::HismithMini),
            Arc::new(honeyplaybox::HoneyPlayBox),
            Arc::new(itoys::ITOYS),
            Arc::new(joyhub::protocol()),
            Arc::new(kiiroo_v21::protocol()),
            Arc::new(kiiroo_v21_initialized::KIIROO_V21_INITIALIZED),
            Arc::new(kiiroo_v2::KIIROO_V2),
            Arc::new(kiiroo_v2_vibrator::PROTOCOL),
            Arc::new(lelo_f1sv2::LeloF1sV2),
            Arc::new(lelo_harmony::LeloHarmony),
            Arc::new(libo_vibes::protocol()),
            Arc::new(lovedistance::protocol()),
            Arc::new(lovehoney_desire::LOVEHONEY_DESIRE),
            Arc::new(lovense::Lovense),
            Arc::new(luvmazer::PROTOCOL),
            Arc::new(magic_motion_1::protocol()),
            Arc::new(magic_motion_2::PROTOCOL),
            Arc::new(magic_motion_4::PROTOCOL),
            Arc::new(monsterpub::MonsterPub),
            Arc::new(mysteryvibe::MYSTERYVIBE),
            Arc::new(mysteryvibe_v2::PROTOCOL),
            Arc::new(nobra::NOBRA),
            Arc::new(patoo::PATOO),
            Arc::new(picobong::PICOBONG),
            Arc::new(pink_punch::PROTOCOL),
            Arc::new(sakuraneko::PROTOCOL),
            Arc::new(satisfyer::Satisfyer),
            Arc::new(sensee_v2::SenseeV2),
            Arc::new(sexverse_v1::protocol()),
            Arc::new(sexverse_v2::SEXVERSE_V2),
            Arc::new(sexverse_v3::PROTOCOL),
            Arc::new(sexverse_v4::SEXVERSE_V4),
            Arc::new(simulated::SIMULATED),
            Arc::new(svakom_pulse::protocol()),
            Arc::new(svakom_v1::SVAKOM_V1),
            Arc::new(svakom_v2::protocol()),
            Arc::new(svakom_v3::PROTOCOL),
            Arc::new(svakom_v4::PROTOCOL),
            Arc::new(svakom_v5::PROTOCOL),
            Arc::new(svakom_v6::PROTOCOL),
            Arc::new(tcode_v03::TCODE_V03),
            Arc::new(thehandy::THEHANDY),
            Arc::new(thehandy_v3::TheHandyV3),
            Arc::new(vibcrafter::VibCrafter),
            Arc::new(vorze_sa::VorzeSa),
            Arc::new(wevibe::protocol()),
            Arc::new(wevibe_8bit::protocol()),
            Arc::new(wevibe_chorus::WEVIBE_CHORUS),
            Arc::new(zalo::ZALO),
        ];
        ProtocolRegistry {
            protocols: all.into_iter().map(|p| (p.name(), p)).collect(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn Protocol>> {
        self.protocols.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.protocols.keys().copied()
    }

    /// Adds or replaces a protocol (for embedders with their own hardware).
    pub fn register(&mut self, protocol: Arc<dyn Protocol>) {
        self.protocols.insert(protocol.name(), protocol);
    }
}
