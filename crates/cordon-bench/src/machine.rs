//! The machine a benchmark ran on, as BENCHMARKS.md describes it: CPU model, logical
//! CPUs, memory, kernel, compiler, and how busy the machine was when the run began.

use std::process::Command;

pub struct Machine {
    pub cpu: String,
    pub cpus: usize,
    pub memory: String,
    pub kernel: String,
    pub rustc: String,
    pub load: String,
}

impl Machine {
    pub fn describe() -> Self {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpu = read("/proc/cpuinfo")
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map_or_else(|| "unknown".into(), |(_, m)| m.trim().to_owned());
        let memory = read("/proc/meminfo")
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or_else(
                || "unknown".into(),
                |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0),
            );
        let rustc = Command::new("rustc")
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "unknown".into());
        let load = read("/proc/loadavg")
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            cpu,
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            memory,
            kernel: format!("Linux {}", read("/proc/sys/kernel/osrelease").trim()),
            rustc,
            load,
        }
    }

    pub fn markdown(&self) -> String {
        format!(
            "- CPU: {} ({} logical CPUs available, as `nproc` counts them)\n- Memory: {}\n- OS: {}\n- Compiler: {}\n\
             - Load average when the benchmarks began, after the build (1, 5, 15 min): {}\n",
            self.cpu, self.cpus, self.memory, self.kernel, self.rustc, self.load
        )
    }
}
