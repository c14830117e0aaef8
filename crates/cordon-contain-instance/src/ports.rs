/// What the instance playbook acts through: each adapter behind its own small trait,
/// so tests and the IAM policy see exactly these capabilities.
pub struct InstancePorts<I, R, N> {
    pub isolation: I,
    pub recorder: R,
    pub notifier: N,
}
