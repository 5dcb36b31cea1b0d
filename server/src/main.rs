// jemalloc: the analysis allocates many small strings and vectors on several threads at
// once. On the 20,000-file bench tree it is as fast as mimalloc (user 1.60 s against 1.61 s;
// glibc 1.87 s) and peaks lowest in RSS: ~186 MB, against ~193 MB for glibc and ~260 MB
// for mimalloc (~218 MB with transparent huge pages off).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

// One arena instead of four per core. The language server's threads (its runtime, the
// analysis pool) each kept pages freed in their own arena, unused by the others: with one
// arena the server's peak RSS on the bench tree fell from 258 to 233 MiB, and neither its
// latencies nor `check`'s time moved. jemalloc reads this string (a C `const char *`,
// which a reference to a byte array is laid out as) before `main`; `_RJEM_MALLOC_CONF`
// in the environment still overrides it.
//
// No `thp:always`: huge pages made back-to-back checks 4% faster, but a check run after a
// few idle seconds (as in CI, or a commit hook) 20% slower, 0.48-0.55 s against
// 0.40-0.45 s on the bench tree in a VM whose host takes idle memory back: each huge page
// is 2 MB the host must supply again at once.
#[cfg(not(target_env = "msvc"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static JEMALLOC_CONF: &[u8; 10] = b"narenas:1\0";

// jemalloc does not build with MSVC.
#[cfg(target_env = "msvc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    readiness::cli::main()
}
