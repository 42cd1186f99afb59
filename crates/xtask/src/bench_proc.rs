//! The workerd processes of a `wrangler dev`, found through `/proc`, and the CPU time they
//! have used: `utime + stime` of `/proc/{pid}/stat`, in clock ticks, turned into milliseconds
//! with `CLK_TCK`. This is the figure Cloudflare bills and limits (CPU time, not wall time).
//!
//! `wrangler dev` runs two workerd processes: the user worker (the code under test, with its
//! Durable Objects) and wrangler's own proxy worker, which listens on the public port and
//! forwards every request. Both are counted in [`CpuSample::all_ms`] (the proxy costs the same
//! for both systems); [`CpuSample::worker_ms`] is the user worker alone.

use std::path::Path;
use std::process::Command;

/// Clock ticks per second for `/proc/*/stat` times: `getconf CLK_TCK`, or 100 (the value on
/// every Linux this runs on) if that cannot be asked.
pub fn clock_ticks_per_sec() -> (u64, bool) {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<u64>()
                .ok()
        })
        .filter(|t| *t > 0)
        .map_or((100, false), |t| (t, true))
}

/// One process as `/proc/{pid}/stat` shows it.
struct Stat {
    pid: u32,
    ppid: u32,
    comm: String,
    /// utime + stime, in clock ticks.
    cpu_ticks: u64,
}

fn read_stat(pid: u32) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so split at the last ')'.
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text.get(open + 1..close)?.to_owned();
    let rest: Vec<&str> = text.get(close + 1..)?.split_whitespace().collect();
    // Fields after comm, counted from 0: state 0, ppid 1, ..., utime 11, stime 12.
    let ppid = rest.get(1)?.parse().ok()?;
    let utime: u64 = rest.get(11)?.parse().ok()?;
    let stime: u64 = rest.get(12)?.parse().ok()?;
    Some(Stat {
        pid,
        ppid,
        comm,
        cpu_ticks: utime + stime,
    })
}

fn all_stats() -> Vec<Stat> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter_map(read_stat)
        .collect()
}

fn cmdline(pid: u32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|raw| {
            raw.split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A workerd process under a wrangler, and whether it is wrangler's proxy (the one bound to
/// the public port).
#[derive(Debug, Clone, Copy)]
pub struct Workerd {
    pub pid: u32,
    pub proxy: bool,
}

/// The workerd processes descended from `root_pid` (walking parent ids).
pub fn workerds_under(root_pid: u32, public_port: u16) -> Vec<Workerd> {
    let stats = all_stats();
    let public = format!("--socket-addr=entry=127.0.0.1:{public_port}");
    stats
        .iter()
        .filter(|s| s.comm == "workerd" && descends_from(&stats, s.pid, root_pid))
        .map(|s| Workerd {
            pid: s.pid,
            proxy: cmdline(s.pid).iter().any(|a| a == &public),
        })
        .collect()
}

fn descends_from(stats: &[Stat], pid: u32, root: u32) -> bool {
    let mut current = pid;
    // A parent chain is short; the bound only guards against a cycle in a racing snapshot.
    for _ in 0..64 {
        if current == root {
            return true;
        }
        match stats.iter().find(|s| s.pid == current) {
            Some(s) if s.ppid != 0 && s.ppid != current => current = s.ppid,
            _ => return false,
        }
    }
    false
}

/// The pid of the `wrangler dev` (its `wrangler.js` node process) serving `port`, found by its
/// command line: the stack crate starts it and does not hand out its pid.
pub fn wrangler_pid_for_port(port: u16) -> Option<u32> {
    let port = port.to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return None;
    };
    let mut pids: Vec<u32> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|pid| {
            let args = cmdline(*pid);
            args.iter().any(|a| a.ends_with("wrangler.js"))
                && args.windows(2).any(|w| w[0] == "--port" && w[1] == port)
        })
        .collect();
    // The outermost one (wrangler.js re-executes itself; the first is the parent).
    pids.sort_unstable();
    pids.first().copied()
}

/// CPU used so far by the workerd processes of one wrangler, in milliseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuSample {
    /// Every workerd under the wrangler (user worker and proxy).
    pub all_ms: f64,
    /// The user worker's workerd only.
    pub worker_ms: f64,
}

/// Samples the CPU time of the workerd processes under `wrangler_pid`.
pub fn sample(wrangler_pid: u32, public_port: u16, ticks_per_sec: u64) -> CpuSample {
    let to_ms = |ticks: u64| ticks as f64 * 1000.0 / ticks_per_sec as f64;
    let mut s = CpuSample::default();
    for w in workerds_under(wrangler_pid, public_port) {
        if let Some(stat) = read_stat(w.pid) {
            s.all_ms += to_ms(stat.cpu_ticks);
            if !w.proxy {
                s.worker_ms += to_ms(stat.cpu_ticks);
            }
        }
    }
    s
}

/// The loopback TCP ports the user worker's workerd (not wrangler's proxy) listens on, its
/// entry socket among them: each listening socket of `/proc/net/tcp` whose inode one of that
/// process's file descriptors holds.
pub fn user_worker_ports(wrangler_pid: u32, public_port: u16) -> Vec<u16> {
    let inodes: Vec<u64> = workerds_under(wrangler_pid, public_port)
        .into_iter()
        .filter(|w| !w.proxy)
        .flat_map(|w| socket_inodes(w.pid))
        .collect();
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let mut ports: Vec<u16> = listening_loopback(&table)
        .into_iter()
        .filter(|(_, inode)| inodes.contains(inode))
        .map(|(port, _)| port)
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// The socket inodes a process holds (`/proc/{pid}/fd/*` → `socket:[N]`).
fn socket_inodes(pid: u32) -> Vec<u64> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    fds.flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .filter_map(|target| {
            let t = target.to_string_lossy().into_owned();
            t.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
        })
        .collect()
}

/// (port, inode) of each socket listening on 127.0.0.1 in a `/proc/net/tcp` table.
fn listening_loopback(table: &str) -> Vec<(u16, u64)> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            let (addr, port) = f.get(1)?.split_once(':')?;
            let listening = *f.get(3)? == "0A";
            (listening && addr == "0100007F").then_some(())?;
            Some((u16::from_str_radix(port, 16).ok()?, f.get(9)?.parse().ok()?))
        })
        .collect()
}

/// The length of a file (0 if it does not exist yet).
pub fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::listening_loopback;

    #[test]
    fn only_loopback_listeners_are_read_from_the_tcp_table() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:22C3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41234 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 999 1 0000000000000000 100 0 0 10 0
   2: 0100007F:9F3B 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 20 4 30 10 -1
   3: garbage
";
        // 0x22C3 = 8899 listening on 127.0.0.1; the 0.0.0.0 listener and the established
        // connection are left out, and a line that cannot be read is skipped.
        assert_eq!(listening_loopback(table), vec![(8899, 41234)]);
        assert!(listening_loopback("").is_empty());
    }
}
