//! Front ends that speak other apps' protocols on top of the server, each an in-process
//! client of it (so the command path contract holds for them as for any client).

pub mod lovense_game_mode;
