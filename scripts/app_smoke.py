#!/usr/bin/env python3
"""Drives the real desktop app through tauri-driver (W3C WebDriver), stdlib only.

Four modes:

  app_smoke.py --app PATH --out DIR --server-url URL --pair-code CODE --receipt FILE
      The full smoke test (scripts/app_smoke.sh): Setup (pair with a real konter-server,
      shop profile, owner name and PIN), login by PIN, a pulsa sale of Telkomsel 10.000 to
      081234567890 paid in cash, the order card's success with the SN, and the receipt the
      engine printed to FILE holding that SN; then a PLN pascabayar bill looked up, paid in
      cash and printed with its lines; then every other screen (Riwayat, Saldo, Laporan,
      Pengaturan) with the data of these sales. A screenshot of each step goes into DIR.

  app_smoke.py --app PATH --screenshot-only OUT.png [--keep]
      Waits for the first screen (Setup, Masuk or Jual) and saves a screenshot. With
      --keep the session stays open, so the app keeps running (scripts/demo.sh).

  app_smoke.py --app PATH --bench-flow --server-url URL --pair-code CODE [--idle-s 60]
      Pairs and logs in, sells --sales pulsa, opens every screen, waits --idle-s seconds,
      then prints `flow_ms N`, `dom_nodes N` and the app's memory as --bench does
      (scripts/app_memory.sh).

  app_smoke.py --app PATH --bench [--idle-s 10] [--driver-pid PID]
      One cold start to the Setup screen, timed from the app process's own start time,
      then the resident memory of the app and its WebKit processes after --idle-s seconds
      idle. Prints `cold_start_ms N`, `session_to_setup_ms N`, `idle_rss_kb N` and
      `idle_pss_kb N` (scripts/app_bench.sh).

All modes take --driver (default http://127.0.0.1:4444).
"""

import argparse
import base64
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.request

# W3C's key for element references in answers.
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
# W3C key codes.
ENTER = "\ue007"
# How long the app may take to show its first screen (a cold WebKit start under Xvfb).
START_TIMEOUT_S = 30
STEP_TIMEOUT_S = 10
# Pairing, the first catalogue sync and a sale's round trip through the sandbox.
SERVER_TIMEOUT_S = 30

FIRST_SCREEN = '[data-testid="setup"], [data-testid="masuk"], [data-testid="jual"]'

# The smoke test's sale and people.
PHONE = "081234567890"
SKU = "tsel10"
PRODUCT = "Telkomsel 10.000"
OWNER = "Bu Sari"
PIN = "246810"
CASH_IDR = 20000
# The bill: a PLN pascabayar id the sandbox answers with one month owed, paid at once.
BILL_SKU = "plnpasca"
BILL_NO = "530000000001"


class Driver:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.session = ""

    def request(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        for attempt in range(3):
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    return json.loads(resp.read() or b"{}").get("value")
            except urllib.error.HTTPError as e:
                detail = e.read().decode(errors="replace")
                raise RuntimeError(f"{method} {path}: {e.code} {detail}") from None
            except (ConnectionResetError, http.client.RemoteDisconnected):
                # tauri-driver drops the answer when its pooled connection to
                # WebKitWebDriver was closed under it; the command never reached the page.
                if attempt == 2 or path == "/status":
                    raise
                time.sleep(0.2)

    def wait_ready(self, timeout_s: float) -> None:
        """tauri-driver answers /status once it listens; before that, connects fail."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                self.request("GET", "/status")
                return
            except (OSError, RuntimeError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def start(self, app: str) -> None:
        caps = {"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}}
        value = self.request("POST", "/session", caps)
        self.session = value["sessionId"]

    def s(self, path: str) -> str:
        return f"/session/{self.session}{path}"

    def find(
        self,
        css: str,
        timeout_s: float = STEP_TIMEOUT_S,
        poll_s: float = 0.2,
        using: str = "css selector",
    ) -> str:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                value = self.request("POST", self.s("/element"), {"using": using, "value": css})
                return value[ELEMENT]
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no element {css!r} after {timeout_s} s") from None
                time.sleep(poll_s)

    def find_all(self, css: str) -> list:
        value = self.request("POST", self.s("/elements"), {"using": "css selector", "value": css})
        return [v[ELEMENT] for v in value]

    def type_into(self, element: str, text: str) -> None:
        self.request("POST", self.s(f"/element/{element}/clear"), {})
        self.keys(element, text)

    def keys(self, element: str, text: str) -> None:
        self.request(
            "POST", self.s(f"/element/{element}/value"), {"text": text, "value": list(text)}
        )

    def click(self, element: str) -> None:
        self.request("POST", self.s(f"/element/{element}/click"), {})

    def text(self, element: str) -> str:
        return self.request("GET", self.s(f"/element/{element}/text"))

    def attribute(self, element: str, name: str):
        return self.request("GET", self.s(f"/element/{element}/attribute/{name}"))

    def prop(self, element: str, name: str):
        return self.request("GET", self.s(f"/element/{element}/property/{name}"))

    def source(self) -> str:
        return self.request("GET", self.s("/source"))

    def screenshot(self, path: str) -> None:
        png = base64.b64decode(self.request("GET", self.s("/screenshot")))
        with open(path, "wb") as f:
            f.write(png)

    def wait_text(self, css: str, want: str, timeout_s: float = STEP_TIMEOUT_S) -> str:
        """Waits until the first element matching `css` contains `want`; returns its text."""
        deadline = time.monotonic() + timeout_s
        seen = ""
        while True:
            try:
                seen = self.text(self.find(css, timeout_s=0))
                if want in seen:
                    return seen
            except RuntimeError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{css!r} never showed {want!r} (last: {seen!r})")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.session:
            try:
                self.request("DELETE", self.s(""))
            except (OSError, RuntimeError):
                pass


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


class Shots:
    """Numbered screenshots of each step: 01-setup.png, 02-..."""

    def __init__(self, d: Driver, out_dir: str):
        self.d = d
        self.out_dir = out_dir
        self.n = 0

    @staticmethod
    def none(d: Driver) -> "Shots":
        """Takes no pictures."""
        return Shots(d, "")

    def take(self, name: str) -> None:
        if not self.out_dir:
            return
        self.n += 1
        path = os.path.join(self.out_dir, f"{self.n:02d}-{name}.png")
        self.d.screenshot(path)
        print(f"  screenshot {path}")


def idr(text: str) -> int:
    """`Rp10.800` -> 10800."""
    return int("".join(c for c in text if c.isdigit()) or "0")


def card_status(d: Driver, where: str = '[data-testid="jual"]') -> str:
    try:
        card = d.find(f'{where} [data-testid="order-card"]', timeout_s=0)
        return d.attribute(card, "data-status") or ""
    except RuntimeError:
        return ""


def wait_settled(d: Driver, where: str) -> tuple:
    """Polls the order card under `where` until it is final; (status, statuses seen)."""
    deadline = time.monotonic() + SERVER_TIMEOUT_S
    seen = []
    while True:
        status = card_status(d, where)
        if status and (not seen or seen[-1] != status):
            seen.append(status)
        if status in ("success", "failed", "refunded"):
            return status, seen
        check(time.monotonic() < deadline, f"the order never finished: {seen}")
        time.sleep(0.2)


def wait_receipt(path: str, wants: list) -> bytes:
    """Waits until the printer file holds every byte string in `wants`."""
    deadline = time.monotonic() + STEP_TIMEOUT_S
    data = b""
    while True:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            data = b""
        missing = [w for w in wants if w not in data]
        if not missing:
            return data
        check(time.monotonic() < deadline, f"receipt {path}: {len(data)} bytes, missing {missing}")
        time.sleep(0.2)


def go(d: Driver, screen: str) -> None:
    d.click(d.find(f'nav button[data-screen="{screen}"]'))
    d.find(f'[data-testid="{screen}"]')


def bill_flow(d: Driver, args, shots: "Shots") -> None:
    """Tagihan: pick PLN pascabayar, type the id, Enter; read the bill; cash, Enter."""
    go(d, "tagihan")
    d.click(d.find(f'[data-testid="bill-products"] button[data-sku="{BILL_SKU}"]', SERVER_TIMEOUT_S))
    field = d.find("#bill-customer")
    d.type_into(field, BILL_NO)
    d.keys(field, ENTER)
    name = d.text(d.find('[data-testid="bill-name"]', SERVER_TIMEOUT_S)).strip()
    check(len(name) > 2, f"the bill names its customer: {name!r}")
    total = idr(d.text(d.find('[data-testid="bill-total"]')))
    fee = idr(d.text(d.find('[data-testid="bill-shop-fee"]')))
    due = idr(d.text(d.find('[data-testid="bill-due"]')))
    check(due == total + fee, f"due Rp{due} = bill total Rp{total} + counter fee Rp{fee}")
    print(f"bill of {name}: total Rp{total}, counter fee Rp{fee}, due Rp{due}")
    shots.take("tagihan-detail")
    cash = (due // 100_000 + 1) * 100_000
    cash_field = d.find("#bill-cash")
    time.sleep(0.3)
    d.keys(cash_field, str(cash))
    d.wait_text('[data-testid="bill-change"]', f"{cash - due:,}".replace(",", "."))
    d.keys(cash_field, ENTER)
    side = '[data-testid="tagihan"] aside'
    status, seen = wait_settled(d, side)
    print(f"bill card went through {' -> '.join(seen)}")
    if status != "success":
        shots.take("tagihan-not-success")
    check(status == "success", f"the bill payment ended {status!r}")
    ref = d.text(d.find(f'{side} [data-testid="order-sn"]')).strip()
    check(len(ref) >= 8, f"the supplier's reference shown is {ref!r}")
    shots.take("tagihan-success")
    wait_receipt(args.receipt, [ref.encode(), b"Total bayar", name.encode(), b"Periode"])
    print(f"bill paid with reference {ref}; its receipt holds the bill lines")


def tour(d: Driver, shots: "Shots") -> None:
    """Every other screen with the day's real data."""
    go(d, "riwayat")
    d.wait_text('[data-testid="riwayat"]', PRODUCT)
    shots.take("riwayat")
    go(d, "saldo")
    d.wait_text('[data-testid="saldo"]', "Rp")
    shots.take("saldo")
    go(d, "laporan")
    d.wait_text('[data-testid="report-bills"]', "Tagihan")
    shots.take("laporan")
    go(d, "pengaturan")
    shots.take("pengaturan")


def pair_and_login(d: Driver, args, shots: "Shots") -> None:
    """Setup (pair, shop profile, owner PIN), then the owner logs in: Jual is shown."""
    t0 = time.monotonic()
    d.start(args.app)
    d.find('[data-testid="setup"]', START_TIMEOUT_S)
    print(f"setup screen shown after {time.monotonic() - t0:.1f} s")
    title = d.request("GET", d.s("/title"))
    check(title == "Konter", f"window title is {title!r}")
    # Type only once the first screen has settled (focus moved into the form).
    time.sleep(1)
    shots.take("setup")

    # 1. Hubungkan: the real server answers the pairing code.
    url = d.find("#server-url")
    d.type_into(url, args.server_url)
    value = d.prop(url, "value")
    check(value == args.server_url, f"typed into the server address, it holds {value!r}")
    d.type_into(d.find("#pair-code"), args.pair_code)
    d.type_into(d.find("#device-name"), "Kasir depan")
    shots.take("setup-pair")
    d.click(d.find('[data-testid="setup"] form button[type="submit"]'))
    shown = d.wait_text('[data-testid="setup"] .shop', "Terhubung ke", SERVER_TIMEOUT_S)
    print(f"paired: {shown!r}")

    # 2. Profil toko.
    d.type_into(d.find("#shop-address", SERVER_TIMEOUT_S), "Jl. Melati No. 5, Depok")
    d.type_into(d.find("#shop-phone"), "0812-1111-2222")
    shots.take("setup-profile")
    d.click(d.find('[data-testid="setup"] form button[type="submit"].primary'))

    # 3. PIN pemilik.
    d.type_into(d.find("#owner-name"), OWNER)
    d.type_into(d.find("#owner-pin-new"), PIN)
    d.type_into(d.find("#owner-pin-again"), PIN)
    shots.take("setup-owner")
    d.click(d.find('[data-testid="setup"] form button[type="submit"].primary'))

    # Masuk: the owner's PIN opens Jual.
    d.find('[data-testid="masuk"]', SERVER_TIMEOUT_S)
    time.sleep(0.5)
    d.type_into(d.find("#login-pin"), PIN)
    shots.take("masuk")
    d.click(d.find('[data-testid="masuk"] form button[type="submit"]'))
    d.find('[data-testid="jual"]')
    d.wait_text('[data-testid="status-bar"]', OWNER)
    print("logged in as the owner")


def sell_flow(d: Driver, args) -> None:
    shots = Shots(d, args.out)
    pair_and_login(d, args, shots)

    # Jual: number, the product, cash.
    smart = d.find('[data-testid="smart-input"]')
    time.sleep(0.5)
    d.keys(smart, PHONE)
    d.wait_text('[data-testid="detected"]', "Telkomsel")
    # Products come in category tabs; the pulsa one need not be the first.
    d.find('[data-testid="products"]', SERVER_TIMEOUT_S)
    if not d.find_all(f'[data-testid="products"] button[data-sku="{SKU}"]'):
        d.click(d.find("//button[@role='tab' and normalize-space()='Pulsa']", using="xpath"))
    product = d.find(f'[data-testid="products"] button[data-sku="{SKU}"]')
    name = d.text(product)
    check(PRODUCT in name, f"the {SKU} button reads {name!r}")
    shots.take("jual-detected")
    d.click(product)
    due = idr(d.text(d.find('[data-testid="pay-due"]')))
    check(0 < due <= CASH_IDR, f"the price due is Rp{due}")
    time.sleep(0.3)
    d.keys(d.find("#cash-input"), str(CASH_IDR))
    shots.take("jual-pay")
    d.click(d.find('[data-testid="pay-panel"] button.send'))

    # The order goes to the server, the sandbox fulfils it, the change feed brings it back.
    status, seen = wait_settled(d, '[data-testid="jual"]')
    print(f"order card went through {' -> '.join(seen)}")
    if status != "success":
        shots.take("jual-not-success")
    check(status == "success", f"the order ended {status!r}")
    sn = d.text(d.find('[data-testid="jual"] [data-testid="order-sn"]')).strip()
    check(len(sn) >= 4, f"the SN shown is {sn!r}")
    change = idr(d.text(d.find('[data-testid="order-change"]')))
    check(change == CASH_IDR - due, f"change Rp{change} for Rp{CASH_IDR} cash, Rp{due} due")
    print(f"success with SN {sn}; price Rp{due}, change Rp{change}")
    shots.take("jual-success")

    # Auto-print: the engine's print queue writes the receipt once the order succeeded.
    data = wait_receipt(args.receipt, [sn.encode()])
    check(data.startswith(b"\x1b@"), "the receipt starts with ESC @ (printer reset)")
    print(f"receipt {args.receipt}: {len(data)} bytes of ESC/POS holding the SN")

    bill_flow(d, args, shots)
    tour(d, shots)


def sell_quickly(d: Driver, phone: str, previous: str) -> str:
    """One pulsa sale at Jual, paid in cash, to its end; the order card's id."""
    smart = d.find('[data-testid="smart-input"]')
    d.keys(smart, phone)
    d.wait_text('[data-testid="detected"]', "Telkomsel")
    if not d.find_all(f'[data-testid="products"] button[data-sku="{SKU}"]'):
        d.click(d.find("//button[@role='tab' and normalize-space()='Pulsa']", using="xpath"))
    d.click(d.find(f'[data-testid="products"] button[data-sku="{SKU}"]'))
    time.sleep(0.2)
    d.keys(d.find("#cash-input"), str(CASH_IDR))
    d.click(d.find('[data-testid="pay-panel"] button.send'))
    deadline = time.monotonic() + SERVER_TIMEOUT_S
    while True:
        try:
            card = d.find('[data-testid="jual"] [data-testid="order-card"]', timeout_s=0)
            ident = d.attribute(card, "data-order-id") or ""
            status = d.attribute(card, "data-status") or ""
        except RuntimeError:
            ident, status = "", ""
        if ident and ident != previous and status in ("success", "failed", "refunded"):
            check(status == "success", f"sale to {phone} ended {status!r}")
            return ident
        check(time.monotonic() < deadline, f"the sale to {phone} never finished ({status!r})")
        time.sleep(0.1)


# The live elements of the page (the idle screen's DOM).
DOM_NODES = "return document.getElementsByTagName('*').length"


def flow_bench(d: Driver, args) -> None:
    """Pair, log in, --sales sales, every screen, then --idle-s idle: the memory the app
    and its WebKit processes hold (PSS, each shared page counted once)."""
    shots = Shots(d, args.out) if args.out else None
    t0 = time.monotonic()
    pair_and_login(d, args, shots or Shots.none(d))
    previous = ""
    # Numbers of this run only (ending in 0: the sandbox's success).
    run = int(time.time()) % 1000
    for i in range(args.sales):
        previous = sell_quickly(d, f"08123{run:03d}{i:03d}0", previous)
    for screen in ("riwayat", "saldo", "laporan", "tagihan", "pengaturan", "jual"):
        go(d, screen)
        time.sleep(0.5)
    print(f"flow_ms {round((time.monotonic() - t0) * 1000)}")
    nodes = d.request("POST", d.s("/execute/sync"), {"script": DOM_NODES, "args": []})
    print(f"dom_nodes {nodes}")
    time.sleep(args.idle_s)
    report_memory(find_app(args.app, args.driver_pid))


def screenshot_only(d: Driver, args) -> None:
    t0 = time.monotonic()
    d.start(args.app)
    d.find(FIRST_SCREEN, START_TIMEOUT_S)
    # Let the first screen settle (fonts, focus) before the picture.
    time.sleep(1)
    d.screenshot(args.screenshot_only)
    print(f"first screen after {time.monotonic() - t0:.1f} s; screenshot {args.screenshot_only}")


def boot_time_s() -> float:
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def proc_stat(pid: int):
    """(ppid, start time in seconds since boot) of a process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[19]) / os.sysconf("SC_CLK_TCK")


def processes():
    """{pid: (ppid, name, exe)} of every process we may read."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        try:
            ppid, _ = proc_stat(pid)
            with open(f"/proc/{pid}/comm") as f:
                name = f.read().strip()
            try:
                exe = os.readlink(f"/proc/{pid}/exe")
            except OSError:
                exe = ""
            out[pid] = (ppid, name, exe)
        except (OSError, ValueError, IndexError):
            continue
    return out


def descendants(procs, root: int):
    kids = [p for p, (pp, _, _) in procs.items() if pp == root]
    found = list(kids)
    for k in kids:
        found += descendants(procs, k)
    return found


def find_app(app: str, driver_pid: int) -> int:
    procs = processes()
    pool = descendants(procs, driver_pid) if driver_pid else list(procs)
    want = os.path.realpath(app)
    hits = [p for p in pool if procs[p][2] == want]
    check(len(hits) == 1, f"expected one {app} process, found {hits}")
    return hits[0]


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pss_kb(pid: int) -> int:
    """Proportional set size: shared pages (the WebKit libraries every process of the app
    maps) divided among the processes sharing them, so a sum over processes counts each
    page once."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def bench(d: Driver, args) -> None:
    t0 = time.monotonic()
    d.start(args.app)
    d.find('[data-testid="setup"]', START_TIMEOUT_S, poll_s=0.02)
    found_boot = boot_time_s()
    session_ms = (time.monotonic() - t0) * 1000
    pid = find_app(args.app, args.driver_pid)
    _, started = proc_stat(pid)
    print(f"cold_start_ms {round((found_boot - started) * 1000)}")
    print(f"session_to_setup_ms {round(session_ms)}")

    time.sleep(args.idle_s)
    report_memory(pid)


def family_pss(pid: int, label: str):
    """Prints the memory of process PID and its descendants (the app and its WebKit
    processes): `LABEL_rss_kb`, `LABEL_pss_kb` and each process's share. Returns the PSS
    sum, and the processes ({pid: (ppid, name, exe)}) with the family's pids.
    With KONTER_BENCH_SMAPS_DIR set, each process's mappings are saved there as well, for a
    look at where the memory is (docs/app-memory.md)."""
    procs = processes()
    family = [pid] + descendants(procs, pid)
    total = 0
    total_pss = 0
    parts = []
    for p in family:
        try:
            kb = rss_kb(p)
            pss = pss_kb(p)
        except OSError:
            continue
        total += kb
        total_pss += pss
        parts.append(f"{procs[p][1]}={kb // 1024}MB (PSS {pss // 1024}MB)")
    print(f"{label}_rss_kb {total}")
    print(f"{label}_pss_kb {total_pss}")
    print(f"{label} processes: {' '.join(parts)}")
    keep = os.environ.get("KONTER_BENCH_SMAPS_DIR")
    if keep:
        os.makedirs(keep, exist_ok=True)
        for p in family:
            try:
                with open(f"/proc/{p}/smaps") as f, open(
                    os.path.join(keep, f"{label}-{p}-{procs[p][1]}.smaps"), "w"
                ) as out:
                    out.write(f.read())
            except OSError:
                continue
    return total_pss, procs, family


def report_memory(pid: int) -> None:
    """Prints the app's and its WebKit processes' memory (family_pss) and the WebKit
    settings its web process runs with."""
    _, procs, family = family_pss(pid, "idle")
    # The WebKit settings the page's process runs with (src-tauri/src/memory.rs).
    for p in family:
        if procs[p][1].startswith("WebKitWebProces"):
            try:
                with open(f"/proc/{p}/environ", "rb") as f:
                    env = [e.decode(errors="replace") for e in f.read().split(b"\0")]
            except OSError:
                continue
            chosen = [e for e in env if e.startswith(("JSC_", "WEBKIT_", "MALLOC_"))]
            print(f"web process settings: {' '.join(chosen) or '(none)'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--app", required=True, help="absolute path of the built konter-app")
    ap.add_argument("--driver", default="http://127.0.0.1:4444")
    ap.add_argument("--out", help="directory for the step screenshots")
    ap.add_argument("--server-url", help="the konter-server to pair with")
    ap.add_argument("--pair-code", help="a one-time code from `konter-server device pair-code`")
    ap.add_argument("--receipt", help="the file the device's printer writes to")
    ap.add_argument("--screenshot-only", metavar="PNG", help="only screenshot the first screen")
    ap.add_argument("--keep", action="store_true", help="leave the session (and app) running")
    ap.add_argument("--bench", action="store_true", help="time a cold start and idle memory")
    ap.add_argument("--idle-s", type=float, default=10)
    ap.add_argument("--driver-pid", type=int, default=0, help="tauri-driver's pid (--bench)")
    ap.add_argument("--bench-flow", action="store_true",
                    help="pair, log in, sell --sales times, every screen, idle, memory")
    ap.add_argument("--sales", type=int, default=20)
    args = ap.parse_args()
    if args.bench_flow:
        missing = [o for o in ("server_url", "pair_code") if not getattr(args, o)]
        if missing:
            ap.error("--bench-flow needs " + ", ".join("--" + m.replace("_", "-") for m in missing))
    elif not args.screenshot_only and not args.bench:
        missing = [o for o in ("out", "server_url", "pair_code", "receipt") if not getattr(args, o)]
        if missing:
            ap.error("the smoke test needs " + ", ".join("--" + m.replace("_", "-") for m in missing))

    d = Driver(args.driver)
    d.wait_ready(START_TIMEOUT_S)
    keep = False
    try:
        if args.screenshot_only:
            screenshot_only(d, args)
            keep = args.keep
        elif args.bench:
            bench(d, args)
        elif args.bench_flow:
            flow_bench(d, args)
        else:
            os.makedirs(args.out, exist_ok=True)
            try:
                sell_flow(d, args)
            except Exception:
                if d.session:
                    try:
                        d.screenshot(os.path.join(args.out, "failure.png"))
                        with open(os.path.join(args.out, "failure.html"), "w") as f:
                            f.write(d.source())
                        print(f"failure screenshot and page source in {args.out}", file=sys.stderr)
                    except (OSError, RuntimeError):
                        pass
                raise
            print("app smoke test passed")
    finally:
        if not keep:
            d.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
