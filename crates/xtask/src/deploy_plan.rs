//! The deploy's orchestration as a pure state machine: what to do next, given what happened.
//!
//! `cargo xtask deploy` (deploy.rs) only runs the [`Action`]s it is handed (process calls,
//! HTTP probes, waiting) and reports each one's [`Event`]. The order is: preflight → tests →
//! build → the version now serving → `wrangler versions upload` → for each rollout step
//! (10 % → 100 % by default) `wrangler versions deploy new@p% old@(100-p)%`, then probes of
//! `/health/ready` and a store page on the new version. Any failure after the traffic moved
//! rolls back to the old version at 100 %; a failure before it changes nothing.
//!
//! An all-at-once deploy (`wrangler deploy`: the first one of an environment, or a release
//! carrying a Durable Object migration, which `versions upload` cannot carry) is probed at
//! 100 % the same way, but cannot be rolled back automatically: Cloudflare blocks a rollback
//! across a migration, and a first deploy has nothing to go back to.

use std::fmt;

/// How a deploy runs: its rollout steps and how each step is verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The wrangler environment (`staging`, `production`).
    pub env: String,
    /// Run `cargo xtask test` first.
    pub run_tests: bool,
    /// Build the worker first (wrangler's own `[build]` runs it again, skipped when fresh).
    pub build: bool,
    /// The share of traffic on the new version at each step, increasing, ending at 100.
    pub steps: Vec<u8>,
    /// Successful probes in a row a step needs before the next one.
    pub probes_per_step: u32,
    /// Failed probes a step tolerates (a cold isolate's first answer may be slow); one more
    /// rolls back.
    pub tolerated_failures: u32,
    /// Milliseconds between two probes.
    pub probe_interval_ms: u64,
    /// `wrangler deploy` at 100 % instead of upload + gradual rollout.
    pub all_at_once: bool,
}

impl Settings {
    /// The defaults: tests and build on, 10 % → 100 %, 3 good probes in a row a step, 5 s
    /// apart, one failed probe a step tolerated.
    pub fn new(env: &str) -> Settings {
        Settings {
            env: env.to_owned(),
            run_tests: true,
            build: true,
            steps: vec![10, 100],
            probes_per_step: 3,
            tolerated_failures: 1,
            probe_interval_ms: 5_000,
            all_at_once: false,
        }
    }

    /// Refuses steps that are not strictly increasing percentages ending at 100.
    pub fn validate(&self) -> Result<(), String> {
        let increasing = self.steps.windows(2).all(|w| w[0] < w[1]);
        let in_range = self.steps.iter().all(|p| (1..=100).contains(p));
        if self.steps.last() != Some(&100) || !increasing || !in_range {
            return Err(format!(
                "rollout steps {:?} must be increasing percentages (1-100) ending at 100",
                self.steps
            ));
        }
        if self.probes_per_step == 0 {
            return Err("each rollout step needs at least one probe".into());
        }
        Ok(())
    }
}

/// One thing the shell must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Check wrangler.toml, deploy/manifest.toml, the code and the env's secrets.
    Preflight,
    /// `cargo xtask test`.
    RunTests,
    /// `cargo xtask build-worker`.
    Build,
    /// Ask which version serves now (`wrangler deployments status --json`).
    FindCurrent,
    /// `wrangler versions upload`: answers the new version's id.
    Upload,
    /// `wrangler deploy` (all at once, migrations applied): answers the new version's id.
    DeployAll,
    /// `wrangler versions deploy id@p% …` (shares add up to 100).
    Route(Vec<(String, u8)>),
    /// Probe `/health/ready` and the smoke page on `version` (the rollout is at `percent`).
    Probe { version: String, percent: u8 },
    /// Wait this many milliseconds.
    Wait(u64),
    /// Put `to` back at 100 % because of `reason`.
    Rollback { to: String, reason: String },
    /// Nothing more to do.
    Done(Outcome),
}

/// What the shell reports after an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The action succeeded (preflight, tests, build, route, probe, wait, rollback).
    Ok,
    /// The action failed, with what failed.
    Failed(String),
    /// [`Action::FindCurrent`]'s answer: the version serving 100 %, if any deploy exists.
    Current(Option<String>),
    /// [`Action::Upload`]'s and [`Action::DeployAll`]'s answer: the new version's id.
    Uploaded(String),
}

/// How the deploy ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The new version serves 100 % and passed every probe.
    Deployed { version: String },
    /// Something failed before any traffic moved: nothing changed.
    Stopped { failed: String },
    /// A step failed; the old version serves 100 % again.
    RolledBack {
        version: String,
        to: String,
        failed: String,
    },
    /// A step failed and the deploy cannot go back by itself (a first deploy, or an
    /// all-at-once deploy).
    FailedWithoutRollback { version: String, failed: String },
    /// A step failed and so did the rollback: an operator must act now.
    RollbackFailed {
        to: String,
        failed: String,
        rollback_error: String,
    },
}

impl Outcome {
    /// Whether the deploy ended with the new version serving.
    pub fn succeeded(&self) -> bool {
        matches!(self, Outcome::Deployed { .. })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Deployed { version } => write!(f, "deployed version {version} at 100 %"),
            Outcome::Stopped { failed } => {
                write!(f, "deploy stopped, nothing changed: {failed}")
            }
            Outcome::RolledBack {
                version,
                to,
                failed,
            } => write!(
                f,
                "version {version} failed ({failed}); rolled back to {to} at 100 %"
            ),
            Outcome::FailedWithoutRollback { version, failed } => write!(
                f,
                "version {version} failed ({failed}) and cannot be rolled back automatically (a \
                 first deploy, or an all-at-once deploy that may carry a migration): fix forward, \
                 or `cargo xtask rollback --env ENV` if no migration is involved"
            ),
            Outcome::RollbackFailed {
                to,
                failed,
                rollback_error,
            } => write!(
                f,
                "deploy failed ({failed}) and the rollback to {to} failed too ({rollback_error}): \
                 run `wrangler versions deploy {to}@100% --yes` now"
            ),
        }
    }
}

/// Where the machine is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Preflight,
    Tests,
    Build,
    FindCurrent,
    Upload {
        old: Option<String>,
    },
    DeployAll,
    /// Moving traffic to step `step`.
    Routing {
        old: Option<String>,
        new: String,
        step: usize,
    },
    /// Probing step `step`; `good` in a row so far, `bad` in this step.
    Probing {
        old: Option<String>,
        new: String,
        step: usize,
        good: u32,
        bad: u32,
        waiting: bool,
    },
    RollingBack {
        to: String,
        new: String,
        failed: String,
    },
    Done(Outcome),
}

/// The deploy state machine. Call [`Deploy::next`] for the first action, then
/// [`Deploy::on`] with each action's event until it answers [`Action::Done`].
#[derive(Debug, Clone)]
pub struct Deploy {
    settings: Settings,
    state: State,
}

impl Deploy {
    pub fn new(settings: Settings) -> Deploy {
        Deploy {
            settings,
            state: State::Preflight,
        }
    }

    /// The action for the current state.
    pub fn next(&self) -> Action {
        match &self.state {
            State::Preflight => Action::Preflight,
            State::Tests => Action::RunTests,
            State::Build => Action::Build,
            State::FindCurrent => Action::FindCurrent,
            State::Upload { .. } => Action::Upload,
            State::DeployAll => Action::DeployAll,
            State::Routing { old, new, step } => Action::Route(self.split(old, new, *step)),
            State::Probing {
                new, step, waiting, ..
            } => {
                if *waiting {
                    Action::Wait(self.settings.probe_interval_ms)
                } else {
                    Action::Probe {
                        version: new.clone(),
                        percent: self.percent(*step),
                    }
                }
            }
            State::RollingBack { to, failed, .. } => Action::Rollback {
                to: to.clone(),
                reason: failed.clone(),
            },
            State::Done(outcome) => Action::Done(outcome.clone()),
        }
    }

    /// Takes the event of the last action and answers the next action.
    pub fn on(&mut self, event: Event) -> Action {
        let state = std::mem::replace(&mut self.state, State::Preflight);
        self.state = self.transition(state, event);
        self.next()
    }

    fn percent(&self, step: usize) -> u8 {
        self.settings.steps.get(step).copied().unwrap_or(100)
    }

    /// The traffic split at `step`: the new version's share, the old one the rest.
    fn split(&self, old: &Option<String>, new: &str, step: usize) -> Vec<(String, u8)> {
        let p = self.percent(step);
        match old {
            Some(old) if p < 100 => vec![(new.to_owned(), p), (old.clone(), 100 - p)],
            _ => vec![(new.to_owned(), 100)],
        }
    }

    /// After a failure once traffic moved: back to `old`, or stop if there is none.
    fn failed_after_routing(old: Option<String>, new: String, failed: String) -> State {
        match old {
            Some(to) => State::RollingBack { to, new, failed },
            None => State::Done(Outcome::FailedWithoutRollback {
                version: new,
                failed,
            }),
        }
    }

    fn transition(&self, state: State, event: Event) -> State {
        let s = &self.settings;
        let stop = |what: &str, why: String| {
            State::Done(Outcome::Stopped {
                failed: format!("{what}: {why}"),
            })
        };
        match (state, event) {
            (State::Done(o), _) => State::Done(o),
            (State::Preflight, Event::Ok) if s.run_tests => State::Tests,
            (State::Preflight | State::Tests, Event::Ok) if s.build => State::Build,
            (State::Preflight | State::Tests | State::Build, Event::Ok) if s.all_at_once => {
                State::DeployAll
            }
            (State::Preflight | State::Tests | State::Build, Event::Ok) => State::FindCurrent,
            (State::Preflight, Event::Failed(e)) => stop("preflight", e),
            (State::Tests, Event::Failed(e)) => stop("tests", e),
            (State::Build, Event::Failed(e)) => stop("build", e),
            (State::FindCurrent, Event::Current(old)) => State::Upload { old },
            (State::FindCurrent, Event::Failed(e)) => stop("finding the current version", e),
            (State::Upload { old }, Event::Uploaded(new)) => {
                if old.as_deref() == Some(new.as_str()) {
                    stop(
                        "upload",
                        format!("wrangler answered the serving version {new} as the new one"),
                    )
                } else {
                    // A first deploy has nothing to share traffic with: straight to 100 %.
                    let step = if old.is_some() {
                        0
                    } else {
                        s.steps.len().saturating_sub(1)
                    };
                    State::Routing { old, new, step }
                }
            }
            (State::Upload { .. }, Event::Failed(e)) => stop("upload", e),
            (State::DeployAll, Event::Uploaded(new)) => State::Probing {
                old: None,
                new,
                step: s.steps.len().saturating_sub(1),
                good: 0,
                bad: 0,
                waiting: false,
            },
            (State::DeployAll, Event::Failed(e)) => stop("wrangler deploy", e),
            (State::Routing { old, new, step }, Event::Ok) => State::Probing {
                old,
                new,
                step,
                good: 0,
                bad: 0,
                waiting: false,
            },
            (State::Routing { old, new, step }, Event::Failed(e)) => {
                let failed = format!("moving {}% to {new}: {e}", self.percent(step));
                Self::failed_after_routing(old, new, failed)
            }
            (
                State::Probing {
                    old,
                    new,
                    step,
                    good,
                    bad,
                    waiting: true,
                },
                Event::Ok,
            ) => State::Probing {
                old,
                new,
                step,
                good,
                bad,
                waiting: false,
            },
            (
                State::Probing {
                    old,
                    new,
                    step,
                    good,
                    bad,
                    waiting: false,
                },
                Event::Ok,
            ) => {
                let good = good + 1;
                if good < s.probes_per_step {
                    State::Probing {
                        old,
                        new,
                        step,
                        good,
                        bad,
                        waiting: true,
                    }
                } else if step + 1 < s.steps.len() {
                    State::Routing {
                        old,
                        new,
                        step: step + 1,
                    }
                } else {
                    State::Done(Outcome::Deployed { version: new })
                }
            }
            (
                State::Probing {
                    old,
                    new,
                    step,
                    bad,
                    waiting: false,
                    ..
                },
                Event::Failed(e),
            ) => {
                let bad = bad + 1;
                if bad > s.tolerated_failures {
                    let failed = format!("at {}%: {e}", self.percent(step));
                    Self::failed_after_routing(old, new, failed)
                } else {
                    State::Probing {
                        old,
                        new,
                        step,
                        good: 0,
                        bad,
                        waiting: true,
                    }
                }
            }
            (State::RollingBack { to, new, failed }, Event::Ok) => {
                State::Done(Outcome::RolledBack {
                    version: new,
                    to,
                    failed,
                })
            }
            (State::RollingBack { to, failed, .. }, Event::Failed(e)) => {
                State::Done(Outcome::RollbackFailed {
                    to,
                    failed,
                    rollback_error: e,
                })
            }
            (state, event) => {
                // An event the action cannot produce (a shell bug): treat it as a failure of
                // the current step, so traffic never stays on an unverified version.
                let failed = format!("unexpected {event:?} in {state:?}");
                match state {
                    State::Routing { old, new, .. } | State::Probing { old, new, .. } => {
                        Self::failed_after_routing(old, new, failed)
                    }
                    State::RollingBack { to, failed: f, .. } => {
                        State::Done(Outcome::RollbackFailed {
                            to,
                            failed: f,
                            rollback_error: failed,
                        })
                    }
                    _ => State::Done(Outcome::Stopped { failed }),
                }
            }
        }
    }
}

/// The whole plan as it would run if every step succeeds, for `--dry-run`: each action in
/// order, with `<current>` and `<new>` standing for the versions wrangler would name.
pub fn dry_run(settings: &Settings) -> Vec<Action> {
    let mut machine = Deploy::new(settings.clone());
    let mut actions = vec![machine.next()];
    // Bounded: every step ends after probes_per_step probes and as many waits.
    let limit = 16 + settings.steps.len() * (2 * settings.probes_per_step as usize + 2);
    while actions.len() < limit {
        let event = match actions.last() {
            Some(Action::Done(_)) | None => break,
            Some(Action::FindCurrent) => Event::Current(Some("<current>".into())),
            Some(Action::Upload | Action::DeployAll) => Event::Uploaded("<new>".into()),
            Some(_) => Event::Ok,
        };
        actions.push(machine.on(event));
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            probes_per_step: 2,
            probe_interval_ms: 7,
            ..Settings::new("staging")
        }
    }

    /// Runs the machine to the upload and answers `new` with `old` serving.
    fn uploaded(s: Settings, old: Option<&str>) -> Deploy {
        let mut d = Deploy::new(s);
        assert_eq!(d.next(), Action::Preflight);
        let mut action = d.on(Event::Ok);
        while action != Action::FindCurrent {
            assert!(
                matches!(action, Action::RunTests | Action::Build),
                "{action:?}"
            );
            action = d.on(Event::Ok);
        }
        assert_eq!(d.on(Event::Current(old.map(String::from))), Action::Upload);
        d
    }

    fn route(pairs: &[(&str, u8)]) -> Action {
        Action::Route(pairs.iter().map(|(v, p)| (v.to_string(), *p)).collect())
    }

    fn probe(p: u8) -> Action {
        Action::Probe {
            version: "new".into(),
            percent: p,
        }
    }

    #[test]
    fn the_happy_path_moves_10_then_100_percent_probing_each_step() {
        let mut d = uploaded(settings(), Some("old"));
        assert_eq!(
            d.on(Event::Uploaded("new".into())),
            route(&[("new", 10), ("old", 90)])
        );
        assert_eq!(d.on(Event::Ok), probe(10));
        assert_eq!(d.on(Event::Ok), Action::Wait(7));
        assert_eq!(d.on(Event::Ok), probe(10));
        assert_eq!(d.on(Event::Ok), route(&[("new", 100)]));
        assert_eq!(d.on(Event::Ok), probe(100));
        assert_eq!(d.on(Event::Ok), Action::Wait(7));
        assert_eq!(d.on(Event::Ok), probe(100));
        let done = d.on(Event::Ok);
        assert_eq!(
            done,
            Action::Done(Outcome::Deployed {
                version: "new".into()
            })
        );
        // Done stays done whatever else arrives.
        assert_eq!(d.on(Event::Failed("late".into())), done);
    }

    #[test]
    fn tests_and_build_run_in_order_unless_skipped() {
        let mut d = Deploy::new(settings());
        assert_eq!(d.on(Event::Ok), Action::RunTests);
        assert_eq!(d.on(Event::Ok), Action::Build);
        assert_eq!(d.on(Event::Ok), Action::FindCurrent);

        let mut d = Deploy::new(Settings {
            run_tests: false,
            ..settings()
        });
        assert_eq!(d.on(Event::Ok), Action::Build);
        let mut d = Deploy::new(Settings {
            build: false,
            ..settings()
        });
        assert_eq!(d.on(Event::Ok), Action::RunTests);
        assert_eq!(d.on(Event::Ok), Action::FindCurrent);
        let mut d = Deploy::new(Settings {
            build: false,
            run_tests: false,
            ..settings()
        });
        assert_eq!(d.on(Event::Ok), Action::FindCurrent);
    }

    #[test]
    fn failures_before_traffic_moves_stop_without_rollback() {
        for (at, ok_before) in [("preflight", 0), ("tests", 1), ("build", 2)] {
            let mut d = Deploy::new(settings());
            for _ in 0..ok_before {
                d.on(Event::Ok);
            }
            let action = d.on(Event::Failed("boom".into()));
            assert_eq!(
                action,
                Action::Done(Outcome::Stopped {
                    failed: format!("{at}: boom")
                })
            );
        }
        let mut d = Deploy::new(settings());
        d.on(Event::Ok);
        d.on(Event::Ok);
        d.on(Event::Ok);
        let a = d.on(Event::Failed("not logged in".into()));
        assert!(
            matches!(&a, Action::Done(Outcome::Stopped { failed }) if failed.contains("current version")),
            "{a:?}"
        );
    }

    #[test]
    fn a_failed_upload_changes_nothing() {
        let mut d = uploaded(settings(), Some("old"));
        let a = d.on(Event::Failed("HTTP 500 from the API".into()));
        assert_eq!(
            a,
            Action::Done(Outcome::Stopped {
                failed: "upload: HTTP 500 from the API".into()
            })
        );
        assert!(!matches!(a, Action::Done(o) if o.succeeded()));
    }

    #[test]
    fn an_upload_answering_the_serving_version_is_refused() {
        let mut d = uploaded(settings(), Some("same"));
        let a = d.on(Event::Uploaded("same".into()));
        assert!(
            matches!(&a, Action::Done(Outcome::Stopped { failed }) if failed.contains("serving version")),
            "{a:?}"
        );
    }

    #[test]
    fn failing_health_at_10_percent_rolls_back_after_the_tolerated_failures() {
        let mut d = uploaded(settings(), Some("old"));
        d.on(Event::Uploaded("new".into()));
        assert_eq!(d.on(Event::Ok), probe(10));
        // One failure is tolerated: wait, probe again.
        assert_eq!(d.on(Event::Failed("503".into())), Action::Wait(7));
        assert_eq!(d.on(Event::Ok), probe(10));
        let a = d.on(Event::Failed("/health/ready answered 503".into()));
        assert_eq!(
            a,
            Action::Rollback {
                to: "old".into(),
                reason: "at 10%: /health/ready answered 503".into()
            }
        );
        assert_eq!(
            d.on(Event::Ok),
            Action::Done(Outcome::RolledBack {
                version: "new".into(),
                to: "old".into(),
                failed: "at 10%: /health/ready answered 503".into()
            })
        );
    }

    #[test]
    fn a_failure_resets_the_run_of_good_probes() {
        let mut d = uploaded(settings(), Some("old"));
        d.on(Event::Uploaded("new".into()));
        d.on(Event::Ok); // routed
        assert_eq!(d.on(Event::Ok), Action::Wait(7)); // 1 good
        d.on(Event::Ok);
        assert_eq!(d.on(Event::Failed("smoke".into())), Action::Wait(7)); // good back to 0
        d.on(Event::Ok);
        assert_eq!(d.on(Event::Ok), Action::Wait(7)); // 1 good again, not 2
        d.on(Event::Ok);
        assert_eq!(d.on(Event::Ok), route(&[("new", 100)]));
    }

    #[test]
    fn zero_tolerance_rolls_back_on_the_first_failure_at_100_percent() {
        let mut d = uploaded(
            Settings {
                tolerated_failures: 0,
                probes_per_step: 1,
                ..settings()
            },
            Some("old"),
        );
        d.on(Event::Uploaded("new".into()));
        d.on(Event::Ok);
        assert_eq!(d.on(Event::Ok), route(&[("new", 100)]));
        assert_eq!(d.on(Event::Ok), probe(100));
        let a = d.on(Event::Failed("smoke page 500".into()));
        assert!(
            matches!(&a, Action::Rollback { to, reason } if to == "old" && reason == "at 100%: smoke page 500"),
            "{a:?}"
        );
    }

    #[test]
    fn a_failed_traffic_move_rolls_back() {
        let mut d = uploaded(settings(), Some("old"));
        d.on(Event::Uploaded("new".into()));
        let a = d.on(Event::Failed("API error".into()));
        assert!(
            matches!(&a, Action::Rollback { to, reason } if to == "old" && reason.contains("moving 10% to new")),
            "{a:?}"
        );
    }

    #[test]
    fn a_failed_rollback_says_what_to_run() {
        let mut d = uploaded(
            Settings {
                tolerated_failures: 0,
                ..settings()
            },
            Some("old"),
        );
        d.on(Event::Uploaded("new".into()));
        d.on(Event::Ok);
        d.on(Event::Failed("503".into()));
        let a = d.on(Event::Failed("network down".into()));
        let Action::Done(outcome) = a else {
            panic!("{a:?}")
        };
        assert!(!outcome.succeeded());
        let shown = outcome.to_string();
        assert!(
            shown.contains("wrangler versions deploy old@100%"),
            "{shown}"
        );
        assert!(shown.contains("network down"), "{shown}");
    }

    #[test]
    fn a_first_deploy_goes_straight_to_100_and_cannot_roll_back() {
        let mut d = uploaded(
            Settings {
                tolerated_failures: 0,
                ..settings()
            },
            None,
        );
        assert_eq!(d.on(Event::Uploaded("new".into())), route(&[("new", 100)]));
        d.on(Event::Ok);
        let a = d.on(Event::Failed("503".into()));
        assert_eq!(
            a,
            Action::Done(Outcome::FailedWithoutRollback {
                version: "new".into(),
                failed: "at 100%: 503".into()
            })
        );
    }

    #[test]
    fn an_impossible_event_never_leaves_traffic_on_an_unverified_version() {
        let mut d = uploaded(settings(), Some("old"));
        d.on(Event::Uploaded("new".into()));
        let a = d.on(Event::Uploaded("other".into()));
        assert!(
            matches!(&a, Action::Rollback { to, .. } if to == "old"),
            "{a:?}"
        );
        let mut d = Deploy::new(settings());
        let a = d.on(Event::Uploaded("x".into()));
        assert!(matches!(a, Action::Done(Outcome::Stopped { .. })), "{a:?}");
    }

    #[test]
    fn all_at_once_deploys_then_probes_at_100_and_never_rolls_back() {
        let s = Settings {
            all_at_once: true,
            tolerated_failures: 0,
            probes_per_step: 1,
            ..settings()
        };
        let mut d = Deploy::new(s.clone());
        assert_eq!(d.on(Event::Ok), Action::RunTests);
        assert_eq!(d.on(Event::Ok), Action::Build);
        assert_eq!(d.on(Event::Ok), Action::DeployAll);
        assert_eq!(d.on(Event::Uploaded("new".into())), probe(100));
        assert_eq!(
            d.on(Event::Ok),
            Action::Done(Outcome::Deployed {
                version: "new".into()
            })
        );

        let mut d = Deploy::new(s.clone());
        d.on(Event::Ok);
        d.on(Event::Ok);
        d.on(Event::Ok);
        d.on(Event::Uploaded("new".into()));
        let a = d.on(Event::Failed("503".into()));
        let Action::Done(outcome) = a else {
            panic!("{a:?}")
        };
        assert!(matches!(outcome, Outcome::FailedWithoutRollback { .. }));
        assert!(outcome.to_string().contains("fix forward"), "{outcome}");

        let mut d = Deploy::new(s);
        d.on(Event::Ok);
        d.on(Event::Ok);
        d.on(Event::Ok);
        assert_eq!(
            d.on(Event::Failed("auth".into())),
            Action::Done(Outcome::Stopped {
                failed: "wrangler deploy: auth".into()
            })
        );
    }

    #[test]
    fn steps_must_increase_to_100() {
        assert!(Settings::new("x").validate().is_ok());
        for bad in [
            vec![],
            vec![50],
            vec![10, 10, 100],
            vec![0, 100],
            vec![50, 10, 100],
        ] {
            let s = Settings {
                steps: bad.clone(),
                ..Settings::new("x")
            };
            assert!(s.validate().is_err(), "{bad:?}");
        }
        let s = Settings {
            probes_per_step: 0,
            ..Settings::new("x")
        };
        assert!(s.validate().is_err());
    }

    #[test]
    fn the_dry_run_lists_every_action_of_a_successful_deploy() {
        let plan = dry_run(&settings());
        assert_eq!(plan.first(), Some(&Action::Preflight));
        assert!(plan.contains(&Action::RunTests));
        assert!(plan.contains(&Action::Upload));
        assert!(plan.contains(&route(&[("<new>", 10), ("<current>", 90)])));
        assert!(plan.contains(&route(&[("<new>", 100)])));
        assert_eq!(
            plan.last(),
            Some(&Action::Done(Outcome::Deployed {
                version: "<new>".into()
            }))
        );
        let probes = plan
            .iter()
            .filter(|a| matches!(a, Action::Probe { .. }))
            .count();
        assert_eq!(probes, 4);
    }
}
