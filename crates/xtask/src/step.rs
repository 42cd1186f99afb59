//! Progress output and running child commands.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;
use wandstore_stack::shutdown::{self, Group};

/// Prints a step header and returns a timer for its summary.
pub fn start(what: &str) -> Instant {
    eprintln!("\n==> {what}");
    Instant::now()
}

/// Prints how long a step took.
pub fn done(what: &str, since: Instant) {
    eprintln!("    {what} ({:.1}s)", since.elapsed().as_secs_f64());
}

/// Runs a command with inherited output; a non-zero exit is an error naming the command.
///
/// The command runs in a process group of its own with no input, so that however xtask is
/// stopped (Ctrl-C, or a SIGTERM to xtask alone), its signal handler stops the command and
/// everything it started (rustc, test binaries).
pub fn run(cmd: &mut Command) -> Result<(), String> {
    cmd.stdin(Stdio::null());
    run_in(cmd, Group::Own)
}

/// Like [`run`], for a command that may ask the user something (wrangler deploy and
/// rollback): it keeps the terminal's input and stays in xtask's process group.
pub fn run_interactive(cmd: &mut Command) -> Result<(), String> {
    run_in(cmd, Group::Shared)
}

fn run_in(cmd: &mut Command, group: Group) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let name = Path::new(cmd.get_program())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| shown.clone());
    let mut child =
        shutdown::spawn(cmd, &name, group).map_err(|e| format!("could not start {shown}: {e}"))?;
    let status = child.wait();
    shutdown::forget(child.id());
    let status = status.map_err(|e| format!("waiting for {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// Runs a command and captures its stdout; a non-zero exit is an error.
pub fn output(cmd: &mut Command) -> Result<String, String> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{shown} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
