fn main() -> std::process::ExitCode {
    readiness::cli::main()
}
