//! The `stallside-server` command: serve, add a user, back up or restore.

use std::io::BufRead;
use std::process::ExitCode;

use clap::Parser;
use stallside_server::auth::password;
use stallside_server::config::{Cli, Command, LogFormat};
use stallside_server::db::Db;
use stallside_server::error::ApiError;
use stallside_server::users::{self, NewUser};
use stallside_shared::crdt::Role;

/// mimalloc rather than the system allocator: judging pushes from many phones at once
/// allocates on every core, and glibc's arenas and page faults cost a fifth of the CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs to standard error: standard output carries the start-up banner, so a collector
    // reading JSON logs never meets a line that is not JSON.
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "stallside_server=info".into()),
        );
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    let result = match cli.command {
        None => stallside_server::serve(&cli.data_dir, cli.serve).await,
        Some(Command::AddUser(args)) => add_user(&cli.data_dir, args),
        Some(Command::BuildAreas {
            postcodes,
            imd,
            out,
        }) => build_areas(&postcodes, &imd, &out),
        Some(Command::Backup { path }) => {
            stallside_server::backup::run(&cli.data_dir.join("stallside.sqlite"), &path)
        }
        Some(Command::Restore { from }) => restore(&from, &cli.data_dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("stallside-server: {error}");
            ExitCode::FAILURE
        }
    }
}

fn add_user(
    data_dir: &std::path::Path,
    args: stallside_server::config::AddUserArgs,
) -> Result<(), ApiError> {
    let role = Role::from_code(&args.role).ok_or_else(|| {
        ApiError::BadRequest("The role must be volunteer, coordinator or supervisor".into())
    })?;
    let secret = match std::env::var("STALLSIDE_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("Password for {}:", args.username);
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|_| ApiError::BadRequest("No password given".into()))?;
            line.trim_end().to_owned()
        }
    };
    password::check_strength(&secret)?;
    std::fs::create_dir_all(data_dir)
        .map_err(|_| ApiError::Internal("cannot create the data directory"))?;
    let db = Db::open(&data_dir.join("stallside.sqlite"))?;
    let user = NewUser {
        username: args.username,
        display_name: args.display_name,
        role,
        areas: args.areas,
        email: args.email,
        phone: args.phone,
    };
    let id = users::create(&db.writer_blocking(), &user, &password::hash(&secret)?)?;
    println!("Added {} ({}) with id {id}", user.username, role.label());
    Ok(())
}

/// Restores `from` into `data_dir` and says how long it took.
fn restore(from: &std::path::Path, data_dir: &std::path::Path) -> Result<(), ApiError> {
    let started = std::time::Instant::now();
    stallside_server::backup::restore(from, data_dir)?;
    println!(
        "Restored {} into {} in {:.2} s (integrity check ok); start the server with --data-dir {}",
        from.display(),
        data_dir.display(),
        started.elapsed().as_secs_f64(),
        data_dir.display()
    );
    Ok(())
}

fn build_areas(
    postcodes: &std::path::Path,
    imd: &std::path::Path,
    out: &std::path::Path,
) -> Result<(), ApiError> {
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path)
            .map_err(|e| ApiError::BadRequest(format!("cannot read {}: {e}", path.display())))
    };
    let table = stallside_shared::area::AreaTable::from_ons(&read(postcodes)?, &read(imd)?)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    std::fs::write(out, table.to_compact())
        .map_err(|e| ApiError::BadRequest(format!("cannot write {}: {e}", out.display())))?;
    println!("{} postcodes written to {}", table.len(), out.display());
    Ok(())
}
