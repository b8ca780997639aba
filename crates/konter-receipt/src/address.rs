//! Where a printer is: `tcp:HOST:PORT`, `usb:/dev/usb/lp0`, `serial:/dev/ttyUSB0`
//! (also Bluetooth, `serial:/dev/rfcomm0`) or `file:PATH`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// The raw-print port every network receipt printer listens on (HP JetDirect / "RAW").
pub const DEFAULT_TCP_PORT: u16 = 9100;

/// Longest host name DNS allows (RFC 1035: 253 characters in text form).
const MAX_HOST_CHARS: usize = 253;

/// Longest device or file path we accept; Linux's `PATH_MAX` is 4096.
const MAX_PATH_CHARS: usize = 4096;

/// A printer address, parsed from the setting a shop stores.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PrinterAddress {
    /// A network printer, raw TCP. `host` is a name, an IPv4 address or a bracket-less IPv6
    /// address (written `tcp:[::1]:9100`).
    Tcp { host: String, port: u16 },
    /// A USB printer through the kernel's `usblp` driver.
    Usb { path: PathBuf },
    /// A serial printer, or a Bluetooth one bound to an RFCOMM device. The line speed is not
    /// set here (that needs termios); see the crate docs.
    Serial { path: PathBuf },
    /// A plain file: created or truncated, then written. For tests and for saving a job.
    File { path: PathBuf },
}

/// Why a printer address could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("printer address '{input}': {reason}")]
pub struct AddressError {
    pub input: String,
    pub reason: &'static str,
}

impl AddressError {
    /// The same, in Bahasa Indonesia, for the settings screen.
    pub fn message_id(&self) -> String {
        let reason = match self.reason {
            REASON_SCHEME => "awali dengan tcp:, usb:, serial: atau file:",
            REASON_HOST => "nama host atau alamat IP tidak sah",
            REASON_PORT => "nomor port harus 1 sampai 65535",
            REASON_PATH => "path perangkat harus absolut, misalnya /dev/usb/lp0",
            _ => "alamat tidak sah",
        };
        format!("alamat printer '{}': {reason}", self.input)
    }
}

const REASON_SCHEME: &str = "start with tcp:, usb:, serial: or file:";
const REASON_HOST: &str = "not a valid host name or IP address";
const REASON_PORT: &str = "the port must be 1 to 65535";
const REASON_PATH: &str = "the device path must be absolute, like /dev/usb/lp0";

impl PrinterAddress {
    /// The name used in error messages: the address as the shop wrote it.
    pub fn describe(&self) -> String {
        self.to_string()
    }
}

impl FromStr for PrinterAddress {
    type Err = AddressError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |reason| AddressError {
            input: input.chars().take(80).collect(),
            reason,
        };
        let trimmed = input.trim();
        let (scheme, rest) = trimmed.split_once(':').ok_or_else(|| fail(REASON_SCHEME))?;
        match scheme.to_ascii_lowercase().as_str() {
            "tcp" => parse_tcp(rest).map_err(fail),
            "usb" => Ok(PrinterAddress::Usb {
                path: device_path(rest).map_err(fail)?,
            }),
            "serial" => Ok(PrinterAddress::Serial {
                path: device_path(rest).map_err(fail)?,
            }),
            "file" => {
                if rest.is_empty() || rest.len() > MAX_PATH_CHARS || rest.contains('\0') {
                    return Err(fail(REASON_PATH));
                }
                Ok(PrinterAddress::File {
                    path: PathBuf::from(rest),
                })
            }
            _ => Err(fail(REASON_SCHEME)),
        }
    }
}

fn device_path(raw: &str) -> Result<PathBuf, &'static str> {
    if !raw.starts_with('/') || raw.len() > MAX_PATH_CHARS || raw.contains('\0') {
        return Err(REASON_PATH);
    }
    Ok(PathBuf::from(raw))
}

/// `HOST`, `HOST:PORT`, `[V6]` or `[V6]:PORT`.
fn parse_tcp(rest: &str) -> Result<PrinterAddress, &'static str> {
    let (host, port) = if let Some(bracketed) = rest.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']').ok_or(REASON_HOST)?;
        if host.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(REASON_HOST);
        }
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':').ok_or(REASON_PORT)?)),
        }
    } else {
        match rest.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        }
    };
    let host_ok = !host.is_empty()
        && host.len() <= MAX_HOST_CHARS
        && (host.parse::<std::net::IpAddr>().is_ok()
            || host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
    if !host_ok {
        return Err(REASON_HOST);
    }
    let port = match port {
        None => DEFAULT_TCP_PORT,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(REASON_PORT),
        },
    };
    Ok(PrinterAddress::Tcp {
        host: host.to_owned(),
        port,
    })
}

impl fmt::Display for PrinterAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterAddress::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp:[{host}]:{port}")
            }
            PrinterAddress::Tcp { host, port } => write!(f, "tcp:{host}:{port}"),
            PrinterAddress::Usb { path } => write!(f, "usb:{}", path.display()),
            PrinterAddress::Serial { path } => write!(f, "serial:{}", path.display()),
            PrinterAddress::File { path } => write!(f, "file:{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> PrinterAddress {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn every_documented_form() {
        assert_eq!(
            parse("tcp:192.168.1.50:9100"),
            PrinterAddress::Tcp {
                host: "192.168.1.50".into(),
                port: 9100
            }
        );
        assert_eq!(
            parse("tcp:printer.local"),
            PrinterAddress::Tcp {
                host: "printer.local".into(),
                port: DEFAULT_TCP_PORT
            }
        );
        assert_eq!(
            parse("tcp:[::1]:9101"),
            PrinterAddress::Tcp {
                host: "::1".into(),
                port: 9101
            }
        );
        assert_eq!(
            parse("usb:/dev/usb/lp0"),
            PrinterAddress::Usb {
                path: "/dev/usb/lp0".into()
            }
        );
        assert_eq!(
            parse("serial:/dev/rfcomm0"),
            PrinterAddress::Serial {
                path: "/dev/rfcomm0".into()
            }
        );
        assert_eq!(
            parse("file:out/receipt.bin"),
            PrinterAddress::File {
                path: "out/receipt.bin".into()
            }
        );
        for s in [
            "tcp:192.168.1.50:9100",
            "tcp:[::1]:9101",
            "usb:/dev/usb/lp0",
            "serial:/dev/ttyUSB0",
            "file:/tmp/x",
        ] {
            assert_eq!(parse(s).to_string(), s, "display must round-trip");
        }
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for bad in [
            "",
            "192.168.1.50",
            "lpt:/dev/lp0",
            "tcp:",
            "tcp:host:0",
            "tcp:host:99999",
            "tcp:host:abc",
            "tcp:::1:9100",
            "tcp:[nothost]:9100",
            "tcp:bad_host!:9100",
            "usb:lp0",
            "serial:",
            "file:",
        ] {
            let err = bad.parse::<PrinterAddress>().expect_err(bad);
            assert!(!err.message_id().is_empty());
        }
    }
}
