//! The processes on this machine, read from /proc (Linux), to check what a command leaves
//! running after it was stopped.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// One process, as /proc/{pid}/stat describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcInfo {
    pub pid: i32,
    pub ppid: i32,
    /// Its process group.
    pub pgid: i32,
    /// `R`, `S`, … ; `Z` for a zombie (exited, waiting to be reaped: not running).
    pub state: char,
    /// The executable's name (`devshop`, `node`, `workerd`).
    pub name: String,
    /// Start time in clock ticks since boot: with the pid, it tells a process from a later
    /// one that reuses the pid.
    pub start: u64,
}

impl ProcInfo {
    /// Whether it still runs: not a zombie.
    pub fn running(&self) -> bool {
        self.state != 'Z'
    }
}

/// Every process /proc shows now.
pub fn all() -> Vec<ProcInfo> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(read)
        .collect()
}

/// One process, if it exists.
pub fn read(pid: i32) -> Option<ProcInfo> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (name) state ppid pgrp session tty tpgid flags … starttime(22nd) …"; the name may
    // hold spaces and parentheses, so split at the last ')'.
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1.to_owned();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(ProcInfo {
        pid,
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        pgid: fields.get(2)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
        name,
    })
}

/// The running descendants of `root` (children, their children, …).
pub fn descendants(root: i32) -> Vec<ProcInfo> {
    let everything = all();
    let mut found: Vec<ProcInfo> = Vec::new();
    let mut parents = vec![root];
    while let Some(parent) = parents.pop() {
        for p in everything
            .iter()
            .filter(|p| p.ppid == parent && p.running())
        {
            if !found.iter().any(|f| f.pid == p.pid) {
                parents.push(p.pid);
                found.push(p.clone());
            }
        }
    }
    found
}

/// What still runs of `started` (the same pid with the same start time), and anything else
/// running in one of `groups`.
pub fn survivors(started: &[ProcInfo], groups: &BTreeSet<i32>) -> Vec<ProcInfo> {
    all()
        .into_iter()
        .filter(ProcInfo::running)
        .filter(|p| {
            groups.contains(&p.pgid) || started.iter().any(|s| s.pid == p.pid && s.start == p.start)
        })
        .collect()
}

/// Polls until nothing of `started` or `groups` runs, or `timeout` passes; returns what
/// still runs then.
pub fn wait_until_gone(
    started: &[ProcInfo],
    groups: &BTreeSet<i32>,
    timeout: Duration,
) -> Vec<ProcInfo> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = survivors(started, groups);
        if left.is_empty() || Instant::now() >= deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
