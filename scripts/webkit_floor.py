#!/usr/bin/python3
"""What WebKitGTK itself costs: a bare GTK 3 window with one WebKitWebView the size of the
app's window, showing a one-line page, with the WebKit settings the app runs with (the
caller puts them in the environment; scripts/app_memory.sh takes them from
src-tauri/src/memory.rs). After --idle-s seconds it prints the PSS of this process and its
WebKit processes the way scripts/app_smoke.py measures the app:

    floor_pss_kb N
    floor processes: python3=… WebKitNetworkPr=… WebKitWebProces=…

The web and network processes are WebKit's floor for any page; the window's own process
here is Python's, not the app's. Needs python3-gi and gir1.2-webkit2-4.1 (Debian).

    xvfb-run -a -s "-screen 0 1366x768x24" /usr/bin/python3 scripts/webkit_floor.py --idle-s 60
"""

import argparse
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import app_smoke  # noqa: E402

PAGE = "<!doctype html><html><body><h1>Konter</h1></body></html>"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--idle-s", type=float, default=60)
    ap.add_argument("--width", type=int, default=1366)
    ap.add_argument("--height", type=int, default=768)
    args = ap.parse_args()

    window = Gtk.Window()
    window.set_default_size(args.width, args.height)
    view = WebKit2.WebView()
    window.add(view)
    view.load_html(PAGE, "about:blank")
    window.show_all()
    result = {}

    def measure() -> bool:
        result["pss_kb"], _, _ = app_smoke.family_pss(os.getpid(), "floor")
        Gtk.main_quit()
        return False

    GLib.timeout_add(int(args.idle_s * 1000), measure)
    Gtk.main()
    return 0 if result.get("pss_kb") else 1


if __name__ == "__main__":
    sys.exit(main())
