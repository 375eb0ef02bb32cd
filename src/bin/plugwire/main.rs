//! The `plugwire` command.
//!
//! `plugwire demo`: runs an embedded server with simulated toys, drives each through its
//! features and prints the bytes every device received.

mod demo;

use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: plugwire demo [--device NAME]...");
    eprintln!("  demo   embedded server with simulated devices; prints what each device received");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        return usage();
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PLUGWIRE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
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
        _ => usage(),
    }
}
