use clap::Parser;

fn main() {
    // Before any thread starts (issue 18, P7).
    pingxuan::mem::tune();
    quiet_on_closed_stdout();
    let cli = pingxuan::cli::Cli::parse();
    match pingxuan::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            pingxuan::cli::out::err_text(&format!("pingxuan: {e:#}"));
            std::process::exit(2);
        }
    }
}

/// Everything the command line prints goes through `cli::out`, which ends the
/// program quietly when the reader of stdout has gone (`pingxuan log | head`).
/// This hook is the backstop for a `println!` that slipped past it: std panics
/// on a failed print, and that panic must not reach the user as a crash.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info.payload_as_str().unwrap_or("");
        if msg.starts_with("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}
