//! A default assignment of a script's axes to devices' outputs, for people who want
//! "play this on whatever is connected" (the `plugwire play` command, the bindings'
//! one-call play):
//! - timed positions and positions get the stroke axis L0;
//! - vibrators get V0 if the script has it, else the speed of L0's movement;
//! - rotators get R0 if the script has it, else the speed of L0's movement;
//! - oscillators get the speed of L0's movement;
//! - constrictors get A1 (suck) if the script has it;
//! - other outputs (spray, temperature, led) get nothing.

use super::curve::Interpolation;
use super::funscript::{Axis, Funscript};
use super::mapping::{Mapping, SpeedMode};
use super::player::TrackSpec;
use super::source::Source;
use crate::device::feature::OutputType;
use crate::spec::message::DeviceInfo;

/// Which axis an output plays, and how; `None` when the script has nothing for it.
pub fn axis_for(output: OutputType, script: &Funscript) -> Option<(Axis, SpeedMode)> {
    let has = |a: Axis| script.axes.contains_key(&a);
    let (axis, speed) = match output {
        OutputType::Position | OutputType::HwPositionWithDuration => (Axis::L0, SpeedMode::Direct),
        OutputType::Vibrate if has(Axis::V0) => (Axis::V0, SpeedMode::Direct),
        OutputType::Rotate if has(Axis::R0) => (Axis::R0, SpeedMode::Direct),
        OutputType::Vibrate | OutputType::Rotate | OutputType::Oscillate => {
            (Axis::L0, SpeedMode::Movement)
        }
        OutputType::Constrict => (Axis::A1, SpeedMode::Direct),
        OutputType::Spray | OutputType::Temperature | OutputType::Led => return None,
    };
    has(axis).then_some((axis, speed))
}

/// One track per output of `devices` that the script has an axis for.
pub fn tracks_for(
    script: &Funscript,
    devices: &[DeviceInfo],
    interpolation: Interpolation,
) -> Vec<TrackSpec> {
    let mut tracks = Vec::new();
    for device in devices {
        for feature in device.features.iter() {
            for output in feature.outputs.keys() {
                let Some((axis, speed)) = axis_for(*output, script) else {
                    continue;
                };
                tracks.push(TrackSpec {
                    device: device.index,
                    feature: feature.index,
                    output: *output,
                    source: Source::script(&script.axes[&axis], interpolation),
                    mapping: Mapping {
                        speed,
                        ..Mapping::default()
                    },
                    latency_ms: 0.0,
                });
            }
        }
    }
    tracks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_pick_their_axes() {
        let stroke = Funscript::parse(r#"{"actions": [{"at": 0, "pos": 1}]}"#, "s").unwrap();
        let multi = Funscript::parse(
            r#"{"actions": [{"at": 0, "pos": 1}], "axes": [{"id": "V0", "actions": []},
               {"id": "R0", "actions": []}, {"id": "A1", "actions": []}]}"#,
            "m",
        )
        .unwrap();
        use OutputType::*;
        assert_eq!(
            axis_for(HwPositionWithDuration, &stroke),
            Some((Axis::L0, SpeedMode::Direct))
        );
        assert_eq!(
            axis_for(Vibrate, &stroke),
            Some((Axis::L0, SpeedMode::Movement))
        );
        assert_eq!(
            axis_for(Vibrate, &multi),
            Some((Axis::V0, SpeedMode::Direct))
        );
        assert_eq!(
            axis_for(Rotate, &multi),
            Some((Axis::R0, SpeedMode::Direct))
        );
        assert_eq!(axis_for(Constrict, &stroke), None);
        assert_eq!(
            axis_for(Constrict, &multi),
            Some((Axis::A1, SpeedMode::Direct))
        );
        assert_eq!(axis_for(Led, &multi), None);
    }
}
