//! A strict, test-only ESC/POS reader for the commands our receipts use. It turns a job back
//! into text (mapping CP437 bytes back to characters) and a list of commands, and fails on
//! any byte it does not understand, so a stray byte cannot hide in the golden files.

use konter_receipt::codepage::decode_byte;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Init,
    CodePage(u8),
    Bold(u8),
    Justify(u8),
    Feed(u8),
    Size(u8),
    Drawer {
        pin: u8,
        on: u8,
        off: u8,
    },
    /// `GS V m [n]`.
    Cut(Vec<u8>),
    /// `GS ( k`: the whole command, header included.
    Qr(Vec<u8>),
    /// `GS v 0`: width in bytes, height in dots.
    Raster {
        bytes_per_row: u16,
        height: u16,
    },
}

#[derive(Debug, Default)]
pub struct Decoded {
    /// The printed text: every text byte mapped back, `ESC d n` as `n` newlines.
    pub text: String,
    /// Every text byte as sent, in order.
    pub text_bytes: Vec<u8>,
    pub commands: Vec<Command>,
}

fn take<'a>(bytes: &'a [u8], at: &mut usize, n: usize) -> Result<&'a [u8], String> {
    let end = at.checked_add(n).ok_or("overflow")?;
    let out = bytes
        .get(*at..end)
        .ok_or_else(|| format!("truncated command at byte {}", *at))?;
    *at = end;
    Ok(out)
}

fn byte(bytes: &[u8], at: &mut usize) -> Result<u8, String> {
    Ok(take(bytes, at, 1)?[0])
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    let mut out = Decoded::default();
    let mut at = 0usize;
    while at < bytes.len() {
        let start = at;
        let b = byte(bytes, &mut at)?;
        match b {
            0x1B => match byte(bytes, &mut at)? {
                b'@' => out.commands.push(Command::Init),
                b't' => out.commands.push(Command::CodePage(byte(bytes, &mut at)?)),
                b'E' => out.commands.push(Command::Bold(byte(bytes, &mut at)?)),
                b'a' => out.commands.push(Command::Justify(byte(bytes, &mut at)?)),
                b'd' => {
                    let n = byte(bytes, &mut at)?;
                    out.text.extend(std::iter::repeat_n('\n', usize::from(n)));
                    out.commands.push(Command::Feed(n));
                }
                b'p' => {
                    let p = take(bytes, &mut at, 3)?;
                    out.commands.push(Command::Drawer {
                        pin: p[0],
                        on: p[1],
                        off: p[2],
                    });
                }
                other => return Err(format!("unknown ESC {other:#04x} at byte {start}")),
            },
            0x1D => match byte(bytes, &mut at)? {
                b'!' => out.commands.push(Command::Size(byte(bytes, &mut at)?)),
                b'V' => {
                    let m = byte(bytes, &mut at)?;
                    let mut cmd = vec![m];
                    if matches!(m, 65 | 66 | 97 | 98 | 103 | 104) {
                        cmd.push(byte(bytes, &mut at)?);
                    }
                    out.commands.push(Command::Cut(cmd));
                }
                b'(' => {
                    if byte(bytes, &mut at)? != b'k' {
                        return Err(format!("unknown GS ( at byte {start}"));
                    }
                    let len = take(bytes, &mut at, 2)?;
                    let n = usize::from(u16::from_le_bytes([len[0], len[1]]));
                    take(bytes, &mut at, n)?;
                    out.commands.push(Command::Qr(bytes[start..at].to_vec()));
                }
                b'v' => {
                    let head = take(bytes, &mut at, 6)?;
                    if head[0] != b'0' {
                        return Err(format!("unknown GS v at byte {start}"));
                    }
                    let bytes_per_row = u16::from_le_bytes([head[2], head[3]]);
                    let height = u16::from_le_bytes([head[4], head[5]]);
                    take(
                        bytes,
                        &mut at,
                        usize::from(bytes_per_row) * usize::from(height),
                    )?;
                    out.commands.push(Command::Raster {
                        bytes_per_row,
                        height,
                    });
                }
                other => return Err(format!("unknown GS {other:#04x} at byte {start}")),
            },
            b'\n' => out.text.push('\n'),
            _ => {
                let c = decode_byte(b).ok_or_else(|| {
                    format!("byte {b:#04x} at {start} is neither a command nor printable text")
                })?;
                out.text.push(c);
                out.text_bytes.push(b);
            }
        }
    }
    Ok(out)
}

/// The `GS ( k` commands that make up the one QR code of a receipt, concatenated.
pub fn qr_bytes(decoded: &Decoded) -> Vec<u8> {
    decoded
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::Qr(bytes) => Some(bytes.as_slice()),
            _ => None,
        })
        .flatten()
        .copied()
        .collect()
}
