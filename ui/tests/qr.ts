// Reads a QR code the way a phone would, from the picture the UI shows: the SVG data URL is
// drawn module by module into pixels, and jsQR (a QR reader, not the library that drew it)
// decodes them.
import jsQR from 'jsqr';

export interface DrawnQr {
  /** Side in modules, quiet zone included (the SVG's viewBox). */
  size: number;
  /** Dark modules, row by row. */
  dark: boolean[][];
}

/** The modules of an SVG drawn by `qrcode` (a path of `M x y`, `m dx dy` and `h n` runs). */
export function modulesOfSvgDataUrl(url: string): DrawnQr {
  const prefix = 'data:image/svg+xml;charset=utf-8,';
  if (!url.startsWith(prefix)) throw new Error(`not an SVG data URL: ${url.slice(0, 40)}`);
  const svg = decodeURIComponent(url.slice(prefix.length));
  const box = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  const path = /<path[^>]*stroke="#000000"[^>]*\sd="([^"]+)"/.exec(svg);
  if (!box || !path) throw new Error('no viewBox or dark path in the SVG');
  const size = Number(box[1]);
  const dark = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  let x = 0;
  let y = 0;
  for (const [, cmd, a, b] of path[1]!.matchAll(/([MmHh])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?/g)) {
    const n = Number(a);
    if (cmd === 'M') [x, y] = [n, Number(b)];
    else if (cmd === 'm') [x, y] = [x + n, y + Number(b)];
    else if (cmd === 'h') {
      for (let i = 0; i < n; i += 1) dark[Math.floor(y)]![x + i] = true;
      x += n;
    } else throw new Error(`unexpected path command ${cmd}`);
  }
  return { size, dark };
}

/** Decodes the drawn modules (scaled up, black on white) with jsQR; null if unreadable. */
export function decodeModules(qr: DrawnQr, scale = 4): string | null {
  const side = qr.size * scale;
  const rgba = new Uint8ClampedArray(side * side * 4);
  for (let py = 0; py < side; py += 1) {
    for (let px = 0; px < side; px += 1) {
      const v = qr.dark[Math.floor(py / scale)]![Math.floor(px / scale)] ? 0 : 255;
      rgba.set([v, v, v, 255], (py * side + px) * 4);
    }
  }
  return jsQR(rgba, side, side, { inversionAttempts: 'dontInvert' })?.data ?? null;
}
