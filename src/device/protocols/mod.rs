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
mod galaku_pump;
mod handler_kit;
mod hgod;
mod hismith;
mod hismith_mini;
mod honeyplaybox;
mod htk_bm;
mod itoys;
mod jejoue;
mod joyhub;
mod kgoal_boost;
mod kiiroo_powershot;
mod kiiroo_prowand;
mod kiiroo_spot;
mod kiiroo_spot_v2;
mod kiiroo_v1;
mod kiiroo_v2;
mod kiiroo_v21;
mod kiiroo_v21_initialized;
mod kiiroo_v2_vibrator;
mod kiiroo_v3;
mod kizuna;
mod lelo_f1s;
mod lelo_f1sv2;
mod lelo_harmony;
mod leten;
mod libo_elle;
mod libo_karen;
mod libo_shark;
mod libo_vibes;
mod lioness;
mod loob;
mod lovedistance;
mod lovehoney_desire;
mod lovense;
mod lovenuts;
mod luvmazer;
mod magic_motion_1;
mod magic_motion_2;
mod magic_motion_3;
mod magic_motion_4;
mod magic_motion_shapes;
mod mannuo;
mod maxpro;
mod meese;
mod mizzzee;
mod mizzzee_v2;
mod mizzzee_v3;
mod monsterpub;
mod motorbunny;
mod muse;
mod mymuselinkplus;
mod mysteryvibe;
mod mysteryvibe_v2;
mod nextlevelracing;
mod nexus_revo;
mod nobra;
mod omobo;
mod ossm;
mod packet_shapes;
mod patoo;
mod picobong;
mod pink_punch;
mod prettylove;
mod realov;
mod sakuraneko;
mod satisfyer;
mod sayberx;
mod sensee;
mod sensee_v2;
mod serveu;
mod sexverse_lg389;
mod sexverse_v1;
mod sexverse_v2;
mod sexverse_v3;
mod sexverse_v4;
mod sexverse_v5;
mod sexverse_v6;
mod simulated;
mod svakom_alex;
mod svakom_alex_v2;
mod svakom_avaneo;
mod svakom_barnard;
mod svakom_barney;
mod svakom_common;
mod svakom_dice;
mod svakom_dt250a;
mod svakom_fatima;
mod svakom_iker;
mod svakom_jordan;
mod svakom_pulse;
mod svakom_sam;
mod svakom_sam2;
mod svakom_suitcase;
mod svakom_tarax;
mod svakom_v1;
mod svakom_v2;
mod svakom_v3;
mod svakom_v4;
mod svakom_v5;
mod svakom_v6;
mod synchro;
mod tcode_v03;
mod thehandy;
mod thehandy_v3;
mod tryfun;
mod tryfun_blackhole;
mod tryfun_meta2;
mod twerkingbutt;
mod umove;
mod utimi;
mod vibcrafter;
mod vibio;
mod vibratissimo;
mod vorze_sa;
mod wetoy;
mod wevibe;
mod wevibe_8bit;
mod wevibe_chorus;
mod xibao;
mod xiuxiuda;
mod xuanhuan;
mod yiciyuan;
mod youcups;
mod youou;
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
            Arc::new(galaku_pump::PROTOCOL),
            Arc::new(hgod::PROTOCOL),
            Arc::new(hismith::Hismith),
            Arc::new(hismith_mini::HismithMini),
            Arc::new(honeyplaybox::HoneyPlayBox),
            Arc::new(htk_bm::PROTOCOL),
            Arc::new(itoys::ITOYS),
            Arc::new(jejoue::PROTOCOL),
            Arc::new(joyhub::protocol()),
            Arc::new(kgoal_boost::PROTOCOL),
            Arc::new(kiiroo_powershot::PROTOCOL),
            Arc::new(kiiroo_prowand::PROTOCOL),
            Arc::new(kiiroo_spot::PROTOCOL),
            Arc::new(kiiroo_spot_v2::PROTOCOL),
            Arc::new(kiiroo_v1::PROTOCOL),
            Arc::new(kiiroo_v21::protocol()),
            Arc::new(kiiroo_v21_initialized::KIIROO_V21_INITIALIZED),
            Arc::new(kiiroo_v2::KIIROO_V2),
            Arc::new(kiiroo_v2_vibrator::PROTOCOL),
            Arc::new(kiiroo_v3::PROTOCOL),
            Arc::new(kizuna::PROTOCOL),
            Arc::new(lelo_f1s::PROTOCOL),
            Arc::new(lelo_f1sv2::LeloF1sV2),
            Arc::new(lelo_harmony::LeloHarmony),
            Arc::new(leten::PROTOCOL),
            Arc::new(libo_elle::PROTOCOL),
            Arc::new(libo_karen::PROTOCOL),
            Arc::new(libo_shark::PROTOCOL),
            Arc::new(libo_vibes::protocol()),
            Arc::new(lioness::Lioness),
            Arc::new(loob::PROTOCOL),
            Arc::new(lovedistance::protocol()),
            Arc::new(lovehoney_desire::LOVEHONEY_DESIRE),
            Arc::new(lovense::Lovense),
            Arc::new(lovenuts::PROTOCOL),
            Arc::new(luvmazer::PROTOCOL),
            Arc::new(magic_motion_1::protocol()),
            Arc::new(magic_motion_2::PROTOCOL),
            Arc::new(magic_motion_3::PROTOCOL),
            Arc::new(magic_motion_4::PROTOCOL),
            Arc::new(mannuo::PROTOCOL),
            Arc::new(maxpro::PROTOCOL),
            Arc::new(meese::PROTOCOL),
            Arc::new(mizzzee::PROTOCOL),
            Arc::new(mizzzee_v2::PROTOCOL),
            Arc::new(mizzzee_v3::PROTOCOL),
            Arc::new(monsterpub::MonsterPub),
            Arc::new(motorbunny::PROTOCOL),
            Arc::new(muse::PROTOCOL),
            Arc::new(mymuselinkplus::MyMuseLinkPlus),
            Arc::new(mysteryvibe::MYSTERYVIBE),
            Arc::new(mysteryvibe_v2::PROTOCOL),
            Arc::new(nextlevelracing::PROTOCOL),
            Arc::new(nexus_revo::PROTOCOL),
            Arc::new(nobra::NOBRA),
            Arc::new(omobo::PROTOCOL),
            Arc::new(ossm::Ossm),
            Arc::new(patoo::PATOO),
            Arc::new(picobong::PICOBONG),
            Arc::new(pink_punch::PROTOCOL),
            Arc::new(prettylove::PROTOCOL),
            Arc::new(realov::PROTOCOL),
            Arc::new(sakuraneko::PROTOCOL),
            Arc::new(satisfyer::Satisfyer),
            Arc::new(sayberx::PROTOCOL),
            Arc::new(sensee::PROTOCOL),
            Arc::new(sensee_v2::SenseeV2),
            Arc::new(serveu::PROTOCOL),
            Arc::new(sexverse_lg389::PROTOCOL),
            Arc::new(sexverse_v1::protocol()),
            Arc::new(sexverse_v2::SEXVERSE_V2),
            Arc::new(sexverse_v3::PROTOCOL),
            Arc::new(sexverse_v4::SEXVERSE_V4),
            Arc::new(sexverse_v5::PROTOCOL),
            Arc::new(sexverse_v6::PROTOCOL),
            Arc::new(simulated::SIMULATED),
            Arc::new(svakom_alex::PROTOCOL),
            Arc::new(svakom_alex_v2::PROTOCOL),
            Arc::new(svakom_avaneo::PROTOCOL),
            Arc::new(svakom_barnard::PROTOCOL),
            Arc::new(svakom_barney::PROTOCOL),
            Arc::new(svakom_dice::PROTOCOL),
            Arc::new(svakom_dt250a::PROTOCOL),
            Arc::new(svakom_fatima::PROTOCOL),
            Arc::new(svakom_iker::PROTOCOL),
            Arc::new(svakom_jordan::PROTOCOL),
            Arc::new(svakom_pulse::protocol()),
            Arc::new(svakom_sam2::PROTOCOL),
            Arc::new(svakom_sam::SvakomSam),
            Arc::new(svakom_suitcase::PROTOCOL),
            Arc::new(svakom_tarax::PROTOCOL),
            Arc::new(svakom_v1::SVAKOM_V1),
            Arc::new(svakom_v2::protocol()),
            Arc::new(svakom_v3::PROTOCOL),
            Arc::new(svakom_v4::PROTOCOL),
            Arc::new(svakom_v5::PROTOCOL),
            Arc::new(svakom_v6::PROTOCOL),
            Arc::new(synchro::PROTOCOL),
            Arc::new(tcode_v03::TCODE_V03),
            Arc::new(thehandy::THEHANDY),
            Arc::new(thehandy_v3::TheHandyV3),
            Arc::new(tryfun::PROTOCOL),
            Arc::new(tryfun_blackhole::PROTOCOL),
            Arc::new(tryfun_meta2::PROTOCOL),
            Arc::new(twerkingbutt::PROTOCOL),
            Arc::new(umove::PROTOCOL),
            Arc::new(utimi::PROTOCOL),
            Arc::new(vibcrafter::PROTOCOL),
            Arc::new(vibio::PROTOCOL),
            Arc::new(vibratissimo::Vibratissimo),
            Arc::new(vorze_sa::VorzeSa),
            Arc::new(wetoy::PROTOCOL),
            Arc::new(wevibe::protocol()),
            Arc::new(wevibe_8bit::protocol()),
            Arc::new(wevibe_chorus::WEVIBE_CHORUS),
            Arc::new(xibao::PROTOCOL),
            Arc::new(xiuxiuda::PROTOCOL),
            Arc::new(xuanhuan::PROTOCOL),
            Arc::new(yiciyuan::Yiciyuan),
            Arc::new(youcups::PROTOCOL),
            Arc::new(youou::PROTOCOL),
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
