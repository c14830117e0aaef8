//! GuardDuty's record of what it saw inside an instance — the process, the command
//! line, the malware — mapped onto cordon-events' types, so the records quote GuardDuty
//! rather than the event.

use aws_sdk_guardduty::types as gd;
use cordon_core::ports::ReportedHost;
use cordon_events::{
    EbsVolumeScanDetails, ItemPath, MalwareScanDetails, ProcessDetails, RuntimeContext,
    RuntimeDetails, ScanDetections, ScanFilePath, ScanThreatName, Threat, ThreatDetectedByName,
};

pub(crate) fn reported_host(service: Option<&gd::Service>) -> ReportedHost {
    let Some(service) = service else {
        return ReportedHost::default();
    };
    ReportedHost {
        runtime_details: service.runtime_details().map(runtime),
        ebs_volume_scan_details: service.ebs_volume_scan_details().map(volume_scan),
        malware_scan_details: service.malware_scan_details().map(malware_scan),
    }
}

fn owned(text: Option<&str>) -> Option<String> {
    text.map(str::to_owned)
}

fn runtime(details: &gd::RuntimeDetails) -> RuntimeDetails {
    RuntimeDetails {
        process: details.process().map(|p| ProcessDetails {
            name: owned(p.name()),
            executable_path: owned(p.executable_path()),
            executable_sha256: owned(p.executable_sha256()),
            pid: p.pid().and_then(|pid| u32::try_from(pid).ok()),
        }),
        context: details.context().map(|c| RuntimeContext {
            command_line_example: owned(c.command_line_example()),
        }),
    }
}

fn volume_scan(details: &gd::EbsVolumeScanDetails) -> EbsVolumeScanDetails {
    EbsVolumeScanDetails {
        scan_id: owned(details.scan_id()),
        scan_detections: details.scan_detections().map(|d| ScanDetections {
            threat_detected_by_name: d.threat_detected_by_name().map(|t| ThreatDetectedByName {
                shortened: t.shortened(),
                threat_names: t
                    .threat_names()
                    .iter()
                    .map(|name| ScanThreatName {
                        name: owned(name.name()),
                        severity: owned(name.severity()),
                        file_paths: name
                            .file_paths()
                            .iter()
                            .map(|f| ScanFilePath {
                                file_path: owned(f.file_path()),
                                file_name: owned(f.file_name()),
                                hash: owned(f.hash()),
                            })
                            .collect(),
                    })
                    .collect(),
            }),
        }),
    }
}

fn malware_scan(details: &gd::MalwareScanDetails) -> MalwareScanDetails {
    MalwareScanDetails {
        threats: details
            .threats()
            .iter()
            .map(|t| Threat {
                name: owned(t.name()),
                hash: owned(t.hash()),
                item_paths: t
                    .item_paths()
                    .iter()
                    .map(|i| ItemPath {
                        nested_item_path: owned(i.nested_item_path()),
                        hash: owned(i.hash()),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_process_and_the_malware_are_guardduty_s() {
        let service = gd::Service::builder()
            .runtime_details(
                gd::RuntimeDetails::builder()
                    .process(
                        gd::ProcessDetails::builder()
                            .name("bash")
                            .executable_path("/usr/bin/bash")
                            .executable_sha256("5c0e")
                            .pid(28813)
                            .build(),
                    )
                    .context(
                        gd::RuntimeContext::builder()
                            .command_line_example("crontab x")
                            .build(),
                    )
                    .build(),
            )
            .ebs_volume_scan_details(
                gd::EbsVolumeScanDetails::builder()
                    .scan_detections(
                        gd::ScanDetections::builder()
                            .threat_detected_by_name(
                                gd::ThreatDetectedByName::builder()
                                    .threat_names(
                                        gd::ScanThreatName::builder()
                                            .name("Mirai")
                                            .file_paths(
                                                gd::ScanFilePath::builder()
                                                    .file_path("/tmp/k")
                                                    .hash("9d4c")
                                                    .build(),
                                            )
                                            .build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .build();
        let host = reported_host(Some(&service));
        let process = host
            .runtime_details
            .as_ref()
            .unwrap()
            .process
            .as_ref()
            .unwrap();
        assert_eq!(process.name.as_deref(), Some("bash"));
        assert_eq!(process.pid, Some(28813));
        let context = host.runtime_details.unwrap().context.unwrap();
        assert_eq!(context.command_line_example.as_deref(), Some("crontab x"));
        let threats = host
            .ebs_volume_scan_details
            .unwrap()
            .scan_detections
            .unwrap()
            .threat_detected_by_name
            .unwrap()
            .threat_names;
        assert_eq!(threats[0].file_paths[0].hash.as_deref(), Some("9d4c"));
        assert_eq!(host.malware_scan_details, None);
        assert_eq!(reported_host(None), ReportedHost::default());
    }
}
