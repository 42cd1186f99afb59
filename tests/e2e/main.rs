//! End-to-end tests: one shared local stack (wrangler dev / workerd with local SQLite) for
//! this binary, started before the tests and stopped after them, pass or fail. Tests that
//! need a stack of their own (restarts) start one.

mod identity;
mod platform;
mod storefront;
mod support;

use libtest_mimic::{Arguments, Trial};
use wandstore_e2e::TestStack;

fn main() {
    let args = Arguments::from_args();
    let shared = if args.list {
        None
    } else {
        match TestStack::start() {
            Ok(stack) => Some(stack),
            Err(e) => {
                eprintln!("could not start the local stack: {e}");
                std::process::exit(1);
            }
        }
    };
    let url = shared.as_ref().map(TestStack::url).unwrap_or_default();

    let mut trials: Vec<Trial> = Vec::new();
    for (name, test) in storefront::TESTS
        .iter()
        .chain(identity::TESTS)
        .chain(platform::TESTS)
    {
        let url = url.clone();
        let test = *test;
        trials.push(Trial::test(*name, move || {
            test(&url);
            Ok(())
        }));
    }
    trials.push(Trial::test("durability::count_survives_a_restart", || {
        storefront::count_survives_a_restart();
        Ok(())
    }));

    let conclusion = libtest_mimic::run(&args, trials);
    drop(shared);
    conclusion.exit();
}
