//! Protocol handlers, one file per protocol family.

mod foreo;
mod galaku;
mod handler_kit;
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
            Arc::new(foreo::protocol()),
            Arc::new(galaku::protocol()),
            Arc::new(hismith_mini::HismithMini),
            Arc::new(honeyplaybox::HoneyPlayBox),
            Arc::new(joyhub::protocol()),
            Arc::new(kiiroo_v21::protocol()),
            Arc::new(libo_vibes::protocol()),
            Arc::new(lovedistance::protocol()),
            Arc::new(lovense::Lovense),
            Arc::new(magic_motion_1::protocol()),
            Arc::new(monsterpub::MonsterPub),
            Arc::new(satisfyer::Satisfyer),
            Arc::new(sensee_v2::SenseeV2),
            Arc::new(sexverse_v1::protocol()),
            Arc::new(svakom_pulse::protocol()),
            Arc::new(svakom_v2::protocol()),
            Arc::new(wevibe::protocol()),
            Arc::new(wevibe_8bit::protocol()),
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
