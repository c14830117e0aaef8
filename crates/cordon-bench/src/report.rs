//! BENCHMARKS.md: what each benchmark measured, the targets met and missed, and the
//! machine and command that produced it. The bench writes the whole file.

use std::fmt::Write;

/// One benchmark's part of the file.
pub struct Section {
    pub title: String,
    /// Markdown: how it was measured, and its tables.
    pub body: String,
    pub targets: Vec<Target>,
}

/// A target and what was measured against it.
pub struct Target {
    pub what: String,
    pub target: String,
    pub measured: String,
    pub met: bool,
    /// Why it was missed (or what the figure rests on).
    pub note: String,
}

impl Target {
    pub fn new(what: &str, target: &str, measured: String, met: bool, note: String) -> Self {
        Self {
            what: what.to_owned(),
            target: target.to_owned(),
            measured,
            met,
            note,
        }
    }
}

/// The nearest-rank percentile (`p` in 0..=100) of `values`; 0 for none.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn median(values: &[f64]) -> f64 {
    percentile(values, 50.0)
}

/// Megabytes of 10^6 bytes, as the targets are stated.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// A markdown table row.
pub fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

/// A markdown table header with its rule.
pub fn header(cells: &[&str]) -> String {
    format!(
        "| {} |\n|{}\n",
        cells.join(" | "),
        "---|".repeat(cells.len())
    )
}

pub fn met(met: bool) -> String {
    if met { "met" } else { "**missed**" }.to_owned()
}

/// The whole file.
pub fn render(
    machine: &str,
    sections: &[Result<Section, (String, String)>],
    footer: &str,
) -> String {
    let mut out = String::new();
    out.push_str("# Benchmarks\n\n");
    out.push_str(
        "Written by `cargo xtask bench`, which replaces this whole file; every figure \
         comes from the run described under [Machine and run](#machine-and-run). \
         Timings are of this machine and the local emulator (moto), not of AWS: \
         what carries over is the shape — round trips, calls, memory, size — and \
         the relative cost of the phases.\n\n",
    );
    out.push_str("## Targets\n\n");
    out.push_str(&header(&["", "Target", "Measured", "", "Why"]));
    for section in sections {
        match section {
            Ok(section) => {
                for t in &section.targets {
                    out.push_str(&row(&[
                        t.what.clone(),
                        t.target.clone(),
                        t.measured.clone(),
                        met(t.met),
                        t.note.clone(),
                    ]));
                }
            }
            Err((title, error)) => out.push_str(&row(&[
                title.clone(),
                String::new(),
                "not measured".into(),
                "**failed**".into(),
                error.replace('|', "\\|"),
            ])),
        }
    }
    for section in sections {
        match section {
            Ok(section) => {
                let _ = write!(out, "\n## {}\n\n{}", section.title, section.body);
            }
            Err((title, error)) => {
                let _ = write!(out, "\n## {title}\n\nNot measured: {error}\n");
            }
        }
    }
    let _ = write!(out, "\n## Machine and run\n\n{machine}{footer}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(median(&values), 10.0);
        assert_eq!(percentile(&values, 90.0), 18.0);
        assert_eq!(percentile(&values, 99.0), 20.0);
        assert_eq!(percentile(&[3.0], 50.0), 3.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}
