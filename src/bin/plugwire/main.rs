//! The `plugwire` command.
//!
//! `plugwire demo`: runs an embedded server with simulated toys, drives each through its
//! features and prints the bytes every device received. `plugwire serve`: a Buttplug
//! server for websocket clients, taking Intiface Engine's flags. Parsing is in `cli`,
//! checks before start-up in `startup`, each command in its own file. `plugwire play`:
//! plays a funscript on simulated (or Bluetooth LE) toys.

mod cli;
mod demo;
mod demo_group;
mod mdns;
mod play;
mod rest;
mod serve;
mod startup;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Help and version go to stdout with exit 0; mistakes to stderr with exit 2.
    let cli = cli::Cli::parse();
    // `--log LEVEL` (Intiface's flag) wins over PLUGWIRE_LOG; warnings by default.
    let filter = match (cli.log, std::env::var("PLUGWIRE_LOG")) {
        (Some(level), _) => tracing_subscriber::EnvFilter::new(level.filter()),
        (None, Ok(directives)) => match tracing_subscriber::EnvFilter::try_new(&directives) {
            Ok(filter) => filter,
            Err(e) => {
                eprintln!("plugwire: PLUGWIRE_LOG={directives:?} is not a log filter: {e}");
                return ExitCode::from(2);
            }
        },
        (None, Err(_)) => tracing_subscriber::EnvFilter::new("warn"),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let mut builder = plugwire::runtime::builder();
    let runtime = match builder.build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("plugwire: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        cli::Command::Demo(options) => runtime.block_on(demo::run(options)),
        cli::Command::Serve(options) => runtime.block_on(serve::run(*options)),
        cli::Command::Play(options) => runtime.block_on(play::run(options)),
    }
}
