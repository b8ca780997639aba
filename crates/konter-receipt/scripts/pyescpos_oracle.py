#!/usr/bin/env python3
"""Independent encoder for the konter-receipt cross-check.

Reads a JSON request on stdin: {"qr_data": str, "qr_size": int, "feed_lines": int,
"lines": [str, ...]} and prints a JSON object of hex strings, each produced by
python-escpos's Dummy printer (an encoder written by other people, from the same ESC/POS
manual):

  qr        native QR, Model 2, error level M, the given module size
  codepage  charcode("CP437")
  feed      print_and_feed(feed_lines)
  cut       cut(feed=False)
  drawer    cashdraw(2)
  lines     each line encoded with the CP437 encoding forced (the ESC t 0 that
            python-escpos puts before the first text is stripped and checked)

Exits 3 when python-escpos is not installed, so the Rust test can tell "missing" from
"broken".
"""

import json
import sys

try:
    import escpos
    from escpos import constants
    from escpos.printer import Dummy
except ImportError:
    print("python-escpos is not installed (pip install python-escpos)", file=sys.stderr)
    sys.exit(3)

SELECT_CP437 = b"\x1bt\x00"


def dummy(fn):
    p = Dummy()
    fn(p)
    return p.output


def text_line(line):
    p = Dummy()
    p.magic.force_encoding("CP437")
    p.text(line)
    out = p.output
    if not out.startswith(SELECT_CP437):
        raise SystemExit("python-escpos did not select CP437 before text: " + out.hex())
    return out[len(SELECT_CP437):]


def main():
    req = json.load(sys.stdin)
    out = {
        "version": getattr(escpos, "__version__", "unknown"),
        "qr": dummy(
            lambda p: p.qr(
                req["qr_data"],
                ec=constants.QR_ECLEVEL_M,
                size=req["qr_size"],
                model=constants.QR_MODEL_2,
                native=True,
                center=False,
            )
        ).hex(),
        "codepage": dummy(lambda p: p.charcode("CP437")).hex(),
        "feed": dummy(lambda p: p.print_and_feed(req["feed_lines"])).hex(),
        "cut": dummy(lambda p: p.cut(feed=False)).hex(),
        "drawer": dummy(lambda p: p.cashdraw(2)).hex(),
        "lines": [text_line(line).hex() for line in req["lines"]],
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
