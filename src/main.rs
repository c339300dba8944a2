use clap::Parser;

fn main() {
    let cli = pingxuan::cli::Cli::parse();
    match pingxuan::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!(
                "pingxuan: {}",
                pingxuan::text::sanitize_multiline(&format!("{e:#}"))
            );
            std::process::exit(2);
        }
    }
}
