//! Configuration by flags and environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use stallside_shared::sync::judge::Policy;
use stallside_shared::triage::ProgrammeSettings;

use crate::listen::Limits;

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
    /// Copies the live database to PATH with SQLite's online backup.
    Backup {
        /// The file to write.
        path: PathBuf,
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

    /// The sync policy these flags set.
    pub fn policy(&self) -> Policy {
        Policy {
            edit_window_ms: i64::from(self.edit_window_hours) * 3_600_000,
            settings: ProgrammeSettings {
                emergency_minutes: self.emergency_minutes,
                same_day_minutes: self.same_day_hours * 60,
                stage2_minutes: self.stage2_days * 24 * 60,
                stage1_new_minutes: self.stage1_days * 24 * 60,
            },
        }
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
}
