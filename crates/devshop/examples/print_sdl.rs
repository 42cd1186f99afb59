//! Prints devshop's schema as SDL: `cargo run -p devshop --example print_sdl`.
fn main() {
    println!("{}", devshop::schema::sdl());
}
