//! `loadlab`: the command line is a thin layer over the library; see [`loadlab::cli`].

fn main() -> std::process::ExitCode {
    loadlab::cli::main()
}
