//! The counter's window is a few forms and lists; WebKit's defaults are made for browsing.
//! On Linux the app turns off what a browser needs and a counter does not: the
//! back/forward page cache and the browsing cache model (the UI is served from inside the
//! binary). GPU compositing stays on: turning it off saved about 95 MB idle, but every
//! repaint then took so long that a WebDriver screenshot of the report took over a minute.

use tauri::{Manager, Runtime};

/// Applies the memory settings to the main window's web view.
pub fn lighten<R: Runtime>(app: &tauri::App<R>) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    #[cfg(target_os = "linux")]
    let applied = window.with_webview(|webview| {
        use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};
        let view = webview.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_page_cache(false);
        }
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let applied: tauri::Result<()> = Ok(());
    if let Err(e) = applied {
        tracing::warn!(error = %e, "the web view's memory settings were not applied");
    }
}
