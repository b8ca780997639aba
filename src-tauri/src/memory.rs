//! How the desktop app keeps its memory small. WebKitGTK runs the page in its own processes
//! (WebKitWebProcess, WebKitNetworkProcess), which read their settings from the environment
//! they inherit from the app. `scripts/app_memory.sh` measures what the app and those
//! processes hold after a day's work (`bench app.idle_pss_mb`); each setting below, and the
//! ones tried and left out, with its measured effect, is in docs/app-memory.md.

/// WebKit settings the app starts its web processes with, unless the environment already
/// names them (so `JSC_useJIT=1 konter-app` brings the JIT back to compare).
pub const WEBKIT_ENV: &[(&str, &str)] = &[
    // Paint page tiles on the CPU; the GPU still composites them. Skia's GPU painting keeps
    // caches of its own (in system memory under a software GL): ~75 MB for a counter page.
    ("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1"),
    // The page's JavaScript is a small UI that waits for the cashier: the interpreter is
    // as fast to the eye, and the JIT's code and profiles are ~18 MB.
    ("JSC_useJIT", "0"),
];

/// Puts [`WEBKIT_ENV`] in the process environment. Call first thing in `main`, while the
/// process has one thread: changing the environment races with any other thread reading it.
pub fn set_webkit_env() {
    #[cfg(target_os = "linux")]
    for (name, value) in WEBKIT_ENV {
        if std::env::var_os(name).is_none()
            && let Err(e) = glib::setenv(name, value, false)
        {
            eprintln!("konter-app: {name} not set: {e}");
        }
    }
}
