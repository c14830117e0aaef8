//! How long cargo ran before xtask started: on a fresh machine, compiling xtask.

use std::process::Command;

/// Seconds the process that started this one (`cargo`, running the `xtask` alias) had
/// been running when this was called: on a fresh machine, mostly cargo compiling
/// xtask. Read from `/proc`; `None` where there is none.
pub fn parent_running_secs() -> Option<f64> {
    let parent = stat_fields("self")?.get(1)?.clone();
    running_secs(&parent)
}

/// `/proc/<pid>/stat` after the command name, which may hold spaces: the fields from
/// the state (field 3 of stat(5)) on.
fn stat_fields(pid: &str) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

fn running_secs(pid: &str) -> Option<f64> {
    // Field 22 of stat(5): the start time in clock ticks since boot.
    let started_ticks: f64 = stat_fields(pid)?.get(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let ticks_per_sec: f64 = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0);
    Some((uptime - started_ticks / ticks_per_sec).max(0.0))
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn the_parent_started_before_this_process_which_started_just_now() {
        let parent = super::parent_running_secs().expect("read from /proc");
        let own = super::running_secs("self").expect("read from /proc");
        assert!(own < 300.0, "this test process has run {own} s");
        assert!(parent >= own, "parent {parent} s, own {own} s");
        // A child started now, 300 ms ago when read, has run for less than this one.
        let mut child = std::process::Command::new("sleep")
            .arg("1")
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        let young = super::running_secs(&child.id().to_string()).unwrap();
        let own = super::running_secs("self").unwrap();
        let _ = child.kill();
        let _ = child.wait();
        assert!((0.2..=own).contains(&young), "child {young} s, own {own} s");
    }
}
