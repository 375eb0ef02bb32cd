//! The `plugwire` command.
//!
//! `plugwire demo`: runs an embedded server with simulated toys, drives each through its
//! features and prints the bytes every device received.

mod demo;
mod serve;

use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: plugwire demo [--device NAME]...");
    eprintln!(
        "       plugwire serve [--websocket-port N] [--simulate NAME[@ADDRESS]]... (see --help)"
    );
    eprintln!("  demo   embedded server with simulated devices; prints what each device received");
    eprintln!("  serve  Buttplug server for websocket clients (Intiface Engine's flags)");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        return usage();
    };
    // `--log LEVEL` (Intiface's flag) wins over PLUGWIRE_LOG; warnings by default.
    let log_flag = args
        .iter()
        .position(|a| a == "--log")
        .and_then(|i| args.get(i + 1))
        .map(|level| tracing_subscriber::EnvFilter::new(level.to_ascii_lowercase()));
    tracing_subscriber::fmt()
        .with_env_filter(log_flag.unwrap_or_else(|| {
            tracing_subscriber::EnvFilter::try_from_env("PLUGWIRE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"))
        }))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match command.as_str() {
        "demo" => runtime.block_on(demo::run(&args[1..])),
        "serve" => runtime.block_on(serve::run(&args[1..])),
        _ => usage(),
    }
}
