//! The `konter` CLI over a device's data directory.

/// The `konter` CLI (konter-client's binary).
pub(crate) fn konter_bin() -> std::path::PathBuf {
    konter_tests::workspace_bin("konter")
}

/// Runs `konter` over the device data in `dir`.
pub(crate) fn run_konter(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(konter_bin())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("KONTER_TOKEN_STORE", "file")
        .output()
        .expect("konter runs")
}

/// Runs `konter` over the device data in `dir`; its standard output, after checking it
/// succeeded.
pub(crate) fn konter_cli(dir: &std::path::Path, args: &[&str]) -> String {
    let out = run_konter(dir, args);
    assert!(
        out.status.success(),
        "konter {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `konter` over the device data in `dir` expecting a refusal; its standard error.
pub(crate) fn konter_cli_fails(dir: &std::path::Path, args: &[&str]) -> String {
    let out = run_konter(dir, args);
    assert!(!out.status.success(), "konter {args:?} was let through");
    String::from_utf8_lossy(&out.stderr).into_owned()
}
