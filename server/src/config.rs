//! Configuration by flags and environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use stallside_shared::sync::judge::Policy;
use stallside_shared::triage::ProgrammeSettings;

use crate::backup::Schedule;
use crate::error::ApiError;
use crate::escalation::Mailer;
use crate::listen::Limits;
use crate::metrics::Cidr;

/// Stallside's server.
#[derive(Debug, Parser)]
#[command(
    name = "stallside-server",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Another task than serving.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// How to serve (when no command is given).
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Where the database lives.
    #[arg(
        long,
        env = "STALLSIDE_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// How to write logs: `text` for people, `json` (one object a line) for a log collector.
    /// Logs hold no personal data either way.
    #[arg(
        long,
        env = "STALLSIDE_LOG_FORMAT",
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for people.
    Text,
    /// One JSON object a line.
    Json,
}

/// The server's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Adds an account (the password is read from STALLSIDE_PASSWORD or standard input).
    AddUser(AddUserArgs),
    /// Builds the phones' postcode table (areas.csv) from the ONS postcode directory CSV and
    /// the English Indices of Deprivation CSV (File 7).
    BuildAreas {
        /// ONS postcode directory (NSPL or ONSPD) CSV.
        #[arg(long)]
        postcodes: PathBuf,
        /// IMD File 7 CSV.
        #[arg(long)]
        imd: PathBuf,
        /// Where to write the table (serve it as /areas.csv, e.g. in the dist folder).
        #[arg(long)]
        out: PathBuf,
    },
    /// Copies the live database to PATH with SQLite's online backup, and verifies the copy.
    Backup {
        /// The file to write.
        path: PathBuf,
    },
    /// Restores a backup into --data-dir, which must be new or empty; refuses a copy that
    /// fails SQLite's integrity check or is not a Stallside database.
    Restore {
        /// The backup to restore.
        #[arg(long)]
        from: PathBuf,
    },
}

/// Flags of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "STALLSIDE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The Trunk build of the app to serve.
    #[arg(long, env = "STALLSIDE_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Create demo accounts and an event, and print their passwords. Never in production.
    #[arg(long, env = "STALLSIDE_DEMO")]
    pub demo: bool,
    /// Hours a volunteer may correct a check after taking it.
    #[arg(long, env = "STALLSIDE_EDIT_WINDOW_HOURS", default_value_t = 7 * 24)]
    pub edit_window_hours: u32,
    /// Days a contact number is kept, even while its flag is open.
    #[arg(long, env = "STALLSIDE_CONTACT_RETENTION_DAYS", default_value_t = 28)]
    pub contact_retention_days: u32,
    /// Days before a contact number is erased that supervisors are warned.
    #[arg(long, env = "STALLSIDE_CONTACT_WARNING_DAYS", default_value_t = 7)]
    pub contact_warning_days: u32,
    /// Years after which a check is pseudonymised further.
    #[arg(long, env = "STALLSIDE_PSEUDONYMISE_AFTER_YEARS", default_value_t = 8)]
    pub pseudonymise_after_years: u32,
    /// Offer only reviewed translations to the person checked: phones hide draft languages.
    #[arg(long, env = "STALLSIDE_REVIEWED_LANGUAGES_ONLY")]
    pub reviewed_languages_only: bool,
    /// Participant cards a volunteer may look up in an hour (earlier visits of a card shown in
    /// person); lookups past it are refused and audited.
    #[arg(long, env = "STALLSIDE_CARD_LOOKUPS_PER_HOUR", default_value_t = 30)]
    pub card_lookups_per_hour: u32,
    /// Minutes to follow up an emergency.
    #[arg(long, env = "STALLSIDE_EMERGENCY_MINUTES", default_value_t = 0)]
    pub emergency_minutes: u32,
    /// Hours to follow up severe, irregular-pulse and low-with-fainting readings.
    #[arg(long, env = "STALLSIDE_SAME_DAY_HOURS", default_value_t = 24)]
    pub same_day_hours: u32,
    /// Days to follow up stage 2.
    #[arg(long, env = "STALLSIDE_STAGE2_DAYS", default_value_t = 7)]
    pub stage2_days: u32,
    /// Days to follow up a newly identified stage 1.
    #[arg(long, env = "STALLSIDE_STAGE1_DAYS", default_value_t = 21)]
    pub stage1_days: u32,
    /// Seconds a client has to send a request's headers; also how long an idle connection
    /// stays open.
    #[arg(long, env = "STALLSIDE_HEADER_TIMEOUT_SECS", default_value_t = 15)]
    pub header_timeout_secs: u64,
    /// Seconds allowed between two chunks of a request body.
    #[arg(long, env = "STALLSIDE_BODY_TIMEOUT_SECS", default_value_t = 30)]
    pub body_timeout_secs: u64,
    /// Seconds allowed for a whole request.
    #[arg(long, env = "STALLSIDE_REQUEST_TIMEOUT_SECS", default_value_t = 120)]
    pub request_timeout_secs: u64,
    /// Connections open at once; lowered at start to fit under the process's open-file limit
    /// (`ulimit -n`), keeping files for SQLite and the app's files.
    #[arg(long, env = "STALLSIDE_MAX_CONNECTIONS", default_value_t = 512)]
    pub max_connections: usize,
    /// PEM certificate chain: serve HTTPS (with HSTS) instead of HTTP. Read again on SIGHUP
    /// and when the file changes.
    #[arg(long, env = "STALLSIDE_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the certificate.
    #[arg(long, env = "STALLSIDE_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Addresses (address/prefix, comma-separated) that may read /metrics.
    #[arg(
        long,
        env = "STALLSIDE_METRICS_ALLOW",
        value_delimiter = ',',
        default_value = "127.0.0.1/32,::1/128"
    )]
    pub metrics_allow: Vec<Cidr>,
    /// Folder for scheduled, verified backups (none are taken without it).
    #[arg(long, env = "STALLSIDE_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,
    /// Time between two scheduled backups: a number and s, m, h or d (30m, 1h, 1d).
    #[arg(long, env = "STALLSIDE_BACKUP_EVERY", default_value = "1h", value_parser = parse_every)]
    pub backup_every: Duration,
    /// How many scheduled backups to keep; older ones are deleted.
    #[arg(long, env = "STALLSIDE_BACKUP_KEEP", default_value_t = 48)]
    pub backup_keep: usize,
    /// SMTP server for emailing supervisors about emergency and overdue flags (off without
    /// it): `smtp://host:25`, `smtp://user:password@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host` (TLS). Emails carry a link and the band, nothing personal.
    #[arg(long, env = "STALLSIDE_SMTP_URL", requires = "public_url")]
    pub smtp_url: Option<String>,
    /// The sender of escalation emails.
    #[arg(
        long,
        env = "STALLSIDE_MAIL_FROM",
        default_value = "Stallside <stallside@localhost>"
    )]
    pub mail_from: String,
    /// The address people open Stallside at (https://stallside.example.org), for the links in
    /// emails.
    #[arg(long, env = "STALLSIDE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// How often to look for flags past their deadline to email about (emergencies go out at
    /// once): a number and s, m, h or d.
    #[arg(long, env = "STALLSIDE_ESCALATION_EVERY", default_value = "5m", value_parser = parse_every)]
    pub escalation_every: Duration,
}

impl ServeArgs {
    /// The connection and request limits these flags set, the connection cap fitted under
    /// the process's open-file limit.
    pub fn limits(&self) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(self.header_timeout_secs.max(1)),
            body_timeout: Duration::from_secs(self.body_timeout_secs.max(1)),
            request_timeout: Duration::from_secs(self.request_timeout_secs.max(1)),
            max_connections: self.max_connections.max(1),
        }
        .within_file_limit()
    }

    /// The backup schedule these flags set, if any.
    pub fn backups(&self) -> Option<Schedule> {
        self.backup_dir.as_ref().map(|dir| Schedule {
            dir: dir.clone(),
            every: self.backup_every,
            keep: self.backup_keep.max(1),
        })
    }

    /// The mailer for escalation emails, if an SMTP server is set.
    pub fn mailer(&self) -> Result<Option<Mailer>, ApiError> {
        match (&self.smtp_url, &self.public_url) {
            (Some(smtp), Some(public)) => Mailer::new(smtp, &self.mail_from, public).map(Some),
            _ => Ok(None),
        }
    }

    /// The sync policy these flags set.
    pub fn policy(&self) -> Policy {
        Policy {
            settings: ProgrammeSettings {
                emergency_minutes: self.emergency_minutes,
                same_day_minutes: self.same_day_hours * 60,
                stage2_minutes: self.stage2_days * 24 * 60,
                stage1_new_minutes: self.stage1_days * 24 * 60,
                edit_window_hours: self.edit_window_hours,
                contact_retention_days: self.contact_retention_days,
                contact_warning_days: self.contact_warning_days,
                pseudonymise_after_years: self.pseudonymise_after_years,
                reviewed_languages_only: self.reviewed_languages_only,
            },
        }
    }
}

/// A duration written as a whole number and a unit: `s`, `m`, `h` or `d`.
fn parse_every(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(format!("{text}: write a number and s, m, h or d (30m, 1h)")),
    };
    match number.parse::<u64>() {
        Ok(n) if n > 0 => Ok(Duration::from_secs(n.saturating_mul(seconds))),
        _ => Err(format!("{text}: the number must be a whole number above 0")),
    }
}

/// Flags of `add-user`.
#[derive(Debug, Args)]
pub struct AddUserArgs {
    /// Sign-in name.
    #[arg(long)]
    pub username: String,
    /// Name to show.
    #[arg(long)]
    pub display_name: String,
    /// volunteer, coordinator or supervisor.
    #[arg(long)]
    pub role: String,
    /// Borough ONS codes, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub areas: Vec<String>,
    /// Email address, for a supervisor: emergency and overdue flags of their boroughs are
    /// emailed to it when the server has an SMTP server.
    #[arg(long)]
    pub email: Option<String>,
    /// Work phone number, for a volunteer: supervisors following up their flagged checks
    /// see it, to ask what happened at the stall.
    #[arg(long)]
    pub phone: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No SMTP server, no email: escalation is off unless configured.
    #[test]
    fn escalation_email_is_off_by_default() {
        let cli = Cli::parse_from(["stallside-server"]);
        assert!(cli.serve.smtp_url.is_none());
        assert!(matches!(cli.serve.mailer(), Ok(None)));
        let on = Cli::parse_from([
            "stallside-server",
            "--smtp-url",
            "smtp://127.0.0.1:2525",
            "--public-url",
            "https://stallside.test",
        ]);
        assert!(matches!(on.serve.mailer(), Ok(Some(_))));
        assert!(Cli::try_parse_from(["stallside-server", "--smtp-url", "smtp://x"]).is_err());
    }

    #[test]
    fn backup_intervals_read_as_written() {
        assert_eq!(parse_every("1s"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_every("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_every("1h"), Ok(Duration::from_secs(3_600)));
        assert_eq!(parse_every("2d"), Ok(Duration::from_secs(172_800)));
        assert!(parse_every("0s").is_err());
        assert!(parse_every("10").is_err());
        assert!(parse_every("m").is_err());
        assert!(parse_every("1.5h").is_err());
    }
}
