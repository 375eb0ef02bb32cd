//! Protocol handlers, one file per protocol family.

mod aes_ecb;
mod amorelie_joy;
mod fluffer;
mod hismith;
mod kiiroo_v2_vibrator;
mod lelo_harmony;
mod lovense;
mod luvmazer;
mod magic_motion_2;
mod magic_motion_4;
mod magic_motion_shapes;
mod mysteryvibe_v2;
mod packet_shapes;
mod pink_punch;
mod sakuraneko;
mod sexverse_v3;
mod svakom_common;
mod svakom_v3;
mod svakom_v4;
mod svakom_v5;
mod svakom_v6;
mod vibcrafter;
mod vorze_sa;

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
            Arc::new(amorelie_joy::PROTOCOL),
            Arc::new(fluffer::Fluffer::default()),
            Arc::new(hismith::Hismith),
            Arc::new(kiiroo_v2_vibrator::KiirooV2Vibrator),
            Arc::new(lelo_harmony::LeloHarmony),
            Arc::new(lovense::Lovense),
            Arc::new(luvmazer::PROTOCOL),
            Arc::new(magic_motion_2::PROTOCOL),
            Arc::new(magic_motion_4::PROTOCOL),
            Arc::new(mysteryvibe_v2::MysteryVibeV2),
            Arc::new(pink_punch::PROTOCOL),
            Arc::new(sakuraneko::PROTOCOL),
            Arc::new(sexverse_v3::PROTOCOL),
            Arc::new(svakom_v3::PROTOCOL),
            Arc::new(svakom_v4::PROTOCOL),
            Arc::new(svakom_v5::PROTOCOL),
            Arc::new(svakom_v6::PROTOCOL),
            Arc::new(vibcrafter::VibCrafter),
            Arc::new(vorze_sa::VorzeSa),
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
