//! Progress output and running child commands.

use std::process::Command;
use std::time::Instant;

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
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
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
