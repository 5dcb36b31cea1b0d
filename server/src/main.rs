// mimalloc: the analysis allocates many small strings and vectors on two threads at once;
// the system allocator spent about a third of a large check in malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    readiness::cli::main()
}
