fn main() { loadlab::cli::main() }
