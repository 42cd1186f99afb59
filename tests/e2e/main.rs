//! End-to-end tests: one shared local stack (wrangler dev / workerd with local SQLite) for
//! this binary, started before the tests and stopped after them, pass or fail. Tests that
//! need a stack of their own (restarts) start one.

mod admin;
mod backups;
mod cart;
mod catalog;
mod console;
mod edge;
mod edge_pages;
mod hostile;
mod identity;
mod newcomer;
mod owner;
mod pages;
mod personalization;
mod platform;
mod storage;
mod storefront;
mod support;
mod themes;

use libtest_mimic::{Arguments, Trial};
use std::sync::Arc;
use support::Ctx;
use wandstore_e2e::TestStack;

fn main() {
    // Ctrl-C or a SIGTERM stops the stacks (and xtask runs) this binary started.
    if let Err(e) = wandstore_stack::stop_children_on_signals("e2e") {
        eprintln!("{e}");
    }
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
    let ctx = Arc::new(match &shared {
        Some(s) => Ctx::of(s),
        None => Ctx {
            url: String::new(),
            admin_token: String::new(),
            devshop_url: String::new(),
            outlet_token: String::new(),
            state_dir: Default::default(),
        },
    });

    let mut trials: Vec<Trial> = Vec::new();
    for (name, test) in storefront::TESTS
        .iter()
        .chain(identity::TESTS)
        .chain(platform::TESTS)
        .chain(admin::TESTS)
        .chain(catalog::TESTS)
        .chain(pages::TESTS)
        .chain(cart::TESTS)
        .chain(edge::TESTS)
        .chain(edge_pages::TESTS)
        .chain(hostile::TESTS)
        .chain(owner::TESTS)
        .chain(themes::TESTS)
        .chain(backups::TESTS)
        .chain(console::TESTS)
        .chain(personalization::TESTS)
        .chain(storage::TESTS)
    {
        let ctx = Arc::clone(&ctx);
        let test = *test;
        trials.push(Trial::test(*name, move || {
            test(&ctx);
            Ok(())
        }));
    }
    trials.push(Trial::test(
        "durability::idle_storage_is_deleted_after_its_retention",
        || {
            storefront::idle_storage_is_deleted_after_its_retention();
            Ok(())
        },
    ));
    trials.push(Trial::test("edge::a_ban_survives_a_restart", || {
        edge::a_ban_survives_a_restart();
        Ok(())
    }));
    trials.push(Trial::test("catalog::cron_reaches_200_stores", || {
        catalog::cron_reaches_200_stores();
        Ok(())
    }));
    trials.push(Trial::test(
        "durability::theme_and_assets_survive_a_restart",
        || {
            themes::theme_and_assets_survive_a_restart();
            Ok(())
        },
    ));
    trials.push(Trial::test(
        "backups::a_restore_spans_alarms_and_survives_a_restart",
        || {
            backups::a_restore_spans_alarms_and_survives_a_restart();
            Ok(())
        },
    ));
    trials.push(Trial::test("durability::count_survives_a_restart", || {
        storefront::count_survives_a_restart();
        Ok(())
    }));

    trials.push(Trial::test(
        "catalog::upstream_failures_open_the_breaker_and_it_recovers",
        || {
            catalog::upstream_failures_open_the_breaker_and_it_recovers();
            Ok(())
        },
    ));

    for (name, test) in newcomer::TESTS {
        let test = *test;
        trials.push(Trial::test(*name, move || {
            test();
            Ok(())
        }));
    }

    let conclusion = libtest_mimic::run(&args, trials);
    drop(shared);
    wandstore_stack::wait_if_stopping();
    conclusion.exit();
}
