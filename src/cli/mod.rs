//! (to be written)
pub fn main() {}
