//! Why a print job did not reach the printer, in English for logs and Bahasa Indonesia
//! for the cashier.

use std::path::PathBuf;

use crate::transport::MAX_JOB_BYTES;

/// Which step timed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Connect,
    Write,
}

/// Why a job did not reach the printer. `Display` is English (for logs); [`PrintError::message_id`]
/// is the Bahasa Indonesia text for the cashier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    #[error("{printer}: the printer refused the connection (is it on, and is the port right?)")]
    ConnectionRefused { printer: String },
    #[error("{printer}: the printer is offline or unplugged ({detail})")]
    Offline { printer: String, detail: String },
    #[error("{printer}: no answer within {after_ms} ms while {}", stage_en(*.stage))]
    Timeout {
        printer: String,
        stage: Stage,
        after_ms: u64,
    },
    #[error("{printer}: cannot find host '{host}' ({detail})")]
    HostNotFound {
        printer: String,
        host: String,
        detail: String,
    },
    #[error("{printer}: the printer is out of paper")]
    PaperOut { printer: String },
    #[error("{printer}: the printer cover is open")]
    CoverOpen { printer: String },
    #[error(
        "{printer}: the printer reports an error (cutter jam or overheating); switch it off and on"
    )]
    PrinterFault { printer: String },
    #[error("{printer}: no printer at {} (not connected, or a different device name)", .path.display())]
    DeviceNotFound { printer: String, path: PathBuf },
    #[error("{printer}: permission denied on {}: {}", .path.display(), fix_en(.group))]
    PermissionDenied {
        printer: String,
        path: PathBuf,
        /// The group that may write the device (`lp`, `dialout`), if it is a device.
        group: Option<&'static str>,
    },
    #[error("{printer}: the device is busy (another program, such as CUPS, is holding it)")]
    Busy { printer: String },
    #[error("{printer}: earlier jobs are still stuck waiting for the device; check the printer")]
    Stuck { printer: String },
    #[error("a print job of {bytes} bytes is larger than the {MAX_JOB_BYTES}-byte limit")]
    JobTooLarge { bytes: usize },
    #[error("{printer}: {detail}")]
    Io { printer: String, detail: String },
}

fn stage_en(stage: Stage) -> &'static str {
    match stage {
        Stage::Connect => "connecting",
        Stage::Write => "sending",
    }
}

fn fix_en(group: &Option<&'static str>) -> String {
    match group {
        Some(g) => format!(
            "add the user to the '{g}' group (sudo usermod -aG {g} $USER), then log out and in"
        ),
        None => "check the file's permissions".to_owned(),
    }
}

impl PrintError {
    /// A stable code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            PrintError::ConnectionRefused { .. } => "printer_refused",
            PrintError::Offline { .. } => "printer_offline",
            PrintError::Timeout { .. } => "printer_timeout",
            PrintError::HostNotFound { .. } => "printer_host_not_found",
            PrintError::PaperOut { .. } => "printer_paper_out",
            PrintError::CoverOpen { .. } => "printer_cover_open",
            PrintError::PrinterFault { .. } => "printer_fault",
            PrintError::DeviceNotFound { .. } => "printer_device_not_found",
            PrintError::PermissionDenied { .. } => "printer_permission_denied",
            PrintError::Busy { .. } => "printer_busy",
            PrintError::Stuck { .. } => "printer_stuck",
            PrintError::JobTooLarge { .. } => "print_job_too_large",
            PrintError::Io { .. } => "printer_io",
        }
    }

    /// What the cashier reads, in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        match self {
            PrintError::ConnectionRefused { printer } => format!(
                "{printer}: printer menolak sambungan (apakah printer menyala dan port-nya benar?)"
            ),
            PrintError::Offline { printer, detail } => {
                format!("{printer}: printer mati atau tidak tersambung ({detail})")
            }
            PrintError::Timeout {
                printer,
                stage,
                after_ms,
            } => {
                let step = match stage {
                    Stage::Connect => "menyambung",
                    Stage::Write => "mengirim",
                };
                format!("{printer}: tidak ada jawaban dalam {after_ms} ms saat {step}")
            }
            PrintError::HostNotFound { printer, host, .. } => {
                format!("{printer}: host '{host}' tidak ditemukan")
            }
            PrintError::PaperOut { printer } => format!("{printer}: kertas printer habis"),
            PrintError::CoverOpen { printer } => format!("{printer}: tutup printer terbuka"),
            PrintError::PrinterFault { printer } => format!(
                "{printer}: printer melaporkan kesalahan (pemotong macet atau terlalu panas); matikan lalu nyalakan lagi"
            ),
            PrintError::DeviceNotFound { printer, path } => format!(
                "{printer}: tidak ada printer di {} (belum dicolok, atau nama perangkat lain)",
                path.display()
            ),
            PrintError::PermissionDenied {
                printer,
                path,
                group,
            } => {
                let fix = match group {
                    Some(g) => format!(
                        "tambahkan pengguna ke grup '{g}' (sudo usermod -aG {g} $USER), lalu keluar dan masuk lagi"
                    ),
                    None => "periksa izin berkas".to_owned(),
                };
                format!(
                    "{printer}: tidak ada izin menulis ke {}: {fix}",
                    path.display()
                )
            }
            PrintError::Busy { printer } => {
                format!("{printer}: perangkat sedang dipakai program lain (misalnya CUPS)")
            }
            PrintError::Stuck { printer } => format!(
                "{printer}: cetakan sebelumnya masih tertahan di perangkat; periksa printer"
            ),
            PrintError::JobTooLarge { bytes } => {
                format!("data cetak {bytes} byte melebihi batas {MAX_JOB_BYTES} byte")
            }
            PrintError::Io { printer, detail } => format!("{printer}: gagal mencetak ({detail})"),
        }
    }

    /// Whether trying again later may work without anyone touching the printer's settings.
    pub fn is_retryable(&self) -> bool {
        !matches!(
            self,
            PrintError::PermissionDenied { .. }
                | PrintError::JobTooLarge { .. }
                | PrintError::HostNotFound { .. }
        )
    }
}
