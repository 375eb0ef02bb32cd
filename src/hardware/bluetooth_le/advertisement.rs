//! What a peripheral's advertisement tells the device manager: name, address, advertised
//! services and manufacturer data, in the shapes the configuration matcher uses.

use btleplug::api::PeripheralProperties;

use crate::hardware::{HardwareIdentity, HardwareInfo};

/// The address plugwire uses for a BLE device: the MAC in upper case with colons (what
/// Intiface user configurations store).
pub fn address_text(address: btleplug::api::BDAddr) -> String {
    address.to_string().to_ascii_uppercase()
}

/// Builds the description of an advertising peripheral; `None` when it is not worth
/// offering (no name and no services: nothing in a device configuration could match it).
pub fn hardware_info(properties: &PeripheralProperties) -> Option<HardwareInfo> {
    let name = properties
        .advertisement_name
        .clone()
        .or_else(|| properties.local_name.clone())
        .unwrap_or_default();
    let mut services: Vec<String> = properties
        .services
        .iter()
        .map(|u| u.to_string().to_ascii_lowercase())
        .collect();
    services.sort();
    let mut manufacturer_data: Vec<(u16, Vec<u8>)> = properties
        .manufacturer_data
        .iter()
        .map(|(company, data)| (*company, data.clone()))
        .collect();
    manufacturer_data.sort();
    if name.is_empty() && services.is_empty() && manufacturer_data.is_empty() {
        return None;
    }
    Some(HardwareInfo {
        name,
        address: address_text(properties.address),
        identity: HardwareIdentity::Ble {
            services,
            manufacturer_data,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_a_peripheral_in_matcher_shapes() {
        let props = PeripheralProperties {
            address: "aa:bb:cc:dd:ee:0f".parse().unwrap(),
            local_name: Some("alias".into()),
            advertisement_name: Some("LVS-Nora".into()),
            services: vec![
                "5A300001-0024-4BD4-BBD5-A6920E4C5653".parse().unwrap(),
                "0000fff0-0000-1000-8000-00805f9b34fb".parse().unwrap(),
            ],
            manufacturer_data: [(0xff01u16, vec![1, 2])].into_iter().collect(),
            ..Default::default()
        };
        let info = hardware_info(&props).unwrap();
        assert_eq!(info.name, "LVS-Nora");
        assert_eq!(info.address, "AA:BB:CC:DD:EE:0F");
        assert_eq!(
            info.identity,
            HardwareIdentity::Ble {
                services: vec![
                    "0000fff0-0000-1000-8000-00805f9b34fb".into(),
                    "5a300001-0024-4bd4-bbd5-a6920e4c5653".into()
                ],
                manufacturer_data: vec![(0xff01, vec![1, 2])],
            }
        );
    }

    #[test]
    fn a_silent_peripheral_is_not_offered() {
        let props = PeripheralProperties::default();
        assert_eq!(hardware_info(&props), None);
        let named = PeripheralProperties {
            local_name: Some("Only alias".into()),
            ..Default::default()
        };
        assert_eq!(hardware_info(&named).unwrap().name, "Only alias");
    }
}
