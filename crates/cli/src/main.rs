//! `probity`: the command line. Parses arguments, calls the application shell, prints.

use std::io::Read;

/// mimalloc: the server allocates per request, and glibc's allocator showed in profiles.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use probity_app::accounts::NewUser;
use probity_app::{AppError, Casebook, DatabaseUrl, Db, demo};
use probity_domain::access::StaffRole;
use probity_domain::category::SUBCATEGORIES;
use probity_domain::force::FORCES;
use probity_domain::{Body, Command, Context, Reference};
use probity_store::AccountStore as _;
use probity_store::StoreError;

#[derive(Parser)]
#[command(
    name = "probity",
    version,
    about = "Case management and transparency for police complaints and misconduct oversight (England and Wales)."
)]
struct Cli {
    /// Where the data lives: sqlite:PATH (the embedded default) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "PROBITY_DATABASE_URL", default_value = DatabaseUrl::DEFAULT)]
    database: String,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the internal JSON API.
    Serve {
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Mark session cookies Secure: set this when a TLS proxy sits in front.
        #[arg(long)]
        behind_tls: bool,
        /// Fill a new, empty database with the demo data and demo log-ins first.
        #[arg(long)]
        demo: bool,
    },
    /// Fill an empty database with the reference case 2020/134541 and synthetic cases, then print the reference case.
    Demo {
        /// How many synthetic cases to add beside the reference case.
        #[arg(long, default_value_t = demo::SYNTHETIC_CASES)]
        synthetic: u32,
    },
    /// Read or change one case.
    Case {
        #[command(subcommand)]
        action: CaseCmd,
    },
    /// Check the integrity of the record.
    Audit {
        #[command(subcommand)]
        action: AuditCmd,
    },
    /// Rebuild every read model from the event log.
    Rebuild,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        action: UserCmd,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenCmd,
    },
    /// Copy a whole deployment into an empty store (e.g. SQLite to PostgreSQL), checking the chains.
    MigrateStore {
        /// The store to copy from.
        #[arg(long)]
        from: String,
        /// The empty store to copy into.
        #[arg(long)]
        to: String,
    },
    /// List the national allegation category codes.
    Categories,
    /// List the police forces and their codes.
    Forces,
}

#[derive(Subcommand)]
enum CaseCmd {
    /// Print the case file: parties, allegations, the findings grid, outcomes, publication and timeline.
    Show {
        reference: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run one command (JSON, from --file or standard input) on a case.
    Apply {
        reference: String,
        /// Who is acting (a user name; recorded with each event).
        #[arg(long)]
        actor: String,
        /// The body the actor acts for.
        #[arg(long, value_enum)]
        body: BodyArg,
        /// Refuse if the case is no longer at this version.
        #[arg(long)]
        expected_version: Option<u64>,
        /// Read the command from this file instead of standard input.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create an account; the password is read from standard input.
    Add {
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: StaffRole,
        /// The force the user works for (force and local policing body staff).
        #[arg(long)]
        force: Option<String>,
        /// The body the user acts for; defaults to the appropriate authority with --force, else the oversight body.
        #[arg(long, value_enum)]
        body: Option<BodyArg>,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable an account: its sessions and tokens end at once.
    Disable { username: String },
    /// List the accounts.
    List,
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Create an API token for a user and print it once.
    Create {
        username: String,
        #[arg(long, default_value = "api")]
        label: String,
    },
}

fn parse_role(s: &str) -> Result<StaffRole, String> {
    StaffRole::parse(s).ok_or_else(|| {
        format!(
            "unknown role '{s}': use one of {}",
            StaffRole::ALL
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the hash chains of the event log and the audit trail; exit 0 when intact, 6 naming the first broken link.
    Verify,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum BodyArg {
    AppropriateAuthority,
    OversightBody,
    LocalPolicingBody,
}

impl From<BodyArg> for Body {
    fn from(b: BodyArg) -> Body {
        match b {
            BodyArg::AppropriateAuthority => Body::AppropriateAuthority,
            BodyArg::OversightBody => Body::OversightBody,
            BodyArg::LocalPolicingBody => Body::LocalPolicingBody,
        }
    }
}

/// A failure with the exit code that tells scripts what kind it was.
struct Failure {
    code: u8,
    message: String,
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        let code = match &e {
            AppError::Refused(_) => 3,
            AppError::NotFound(_) => 4,
            AppError::Store(StoreError::Conflict { .. }) => 5,
            AppError::Broken(_) => 6,
            AppError::Denied(_) | AppError::Unauthenticated | AppError::Throttled => 7,
            _ => 1,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        AppError::Store(e).into()
    }
}

fn input(message: impl Into<String>) -> Failure {
    Failure {
        code: 1,
        message: message.into(),
    }
}

fn reference(raw: &str) -> Result<Reference, Failure> {
    Reference::parse(raw).map_err(|e| input(e.to_string()))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // One worker per core (tokio's default), so a bigger machine serves more.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message.replace('\n', " "));
            ExitCode::from(f.code)
        }
    }
}

async fn open(url: &str) -> Result<Casebook, Failure> {
    Ok(Casebook::new(Db::connect(url).await?))
}

async fn run(cli: Cli) -> Result<(), Failure> {
    // Bare `probity`: serve on the default, with demo data in a new database.
    let command = cli.command.unwrap_or(Cmd::Serve {
        listen: "127.0.0.1:8080".into(),
        behind_tls: false,
        demo: true,
    });
    match command {
        Cmd::Serve {
            listen,
            behind_tls,
            demo,
        } => serve(&cli.database, &listen, behind_tls, demo).await?,
        Cmd::MigrateStore { from, to } => {
            let source = open(&from).await?;
            let target = open(&to).await?;
            let moved =
                probity_app::migrate::migrate_store(&source, &target, &|step| eprintln!("{step}"))
                    .await?;
            println!(
                "moved {} events of {} cases, {} audit entries and {} accounts; chain head {}",
                moved.events,
                moved.cases,
                moved.audit_entries,
                moved.users,
                moved
                    .head
                    .map(|h| h.hash.hex())
                    .unwrap_or_else(|| "-".into())
            );
            println!("API tokens were not copied: issue new ones with 'probity token create'.");
        }
        Cmd::Categories => {
            for s in SUBCATEGORIES {
                println!(
                    "{:<4} {:<45} {}{}",
                    s.code,
                    s.category,
                    s.name,
                    if s.verified { "" } else { " (code inferred)" }
                );
            }
        }
        Cmd::Forces => {
            for f in FORCES {
                println!("{:<20} {}", f.code, f.name);
            }
        }
        Cmd::Demo { synthetic } => {
            let book = open(&cli.database).await?;
            let summary = demo::fill(&book, synthetic).await?;
            let file = book
                .case_file(&reference(probity_domain::scenario::REFERENCE_CASE)?)
                .await?;
            print!("{}", file.to_text());
            println!(
                "\nLoaded {} cases ({} events) into {}. Next: probity case show REFERENCE, probity audit verify.",
                summary.cases, summary.events, cli.database
            );
        }
        Cmd::Case {
            action:
                CaseCmd::Show {
                    reference: r,
                    format,
                },
        } => {
            let r = reference(&r)?;
            let book = open(&cli.database).await?;
            let file = book.case_file(&r).await?;
            match format {
                Format::Text => print!("{}", file.to_text()),
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&file).expect("case files serialise")
                ),
            }
        }
        Cmd::Case {
            action:
                CaseCmd::Apply {
                    reference: r,
                    actor,
                    body,
                    expected_version,
                    file,
                },
        } => {
            let r = reference(&r)?;
            let mut text = String::new();
            match &file {
                Some(path) => {
                    text = std::fs::read_to_string(path)
                        .map_err(|e| input(format!("cannot read {}: {e}", path.display())))?;
                }
                None => {
                    std::io::stdin()
                        .read_to_string(&mut text)
                        .map_err(|e| input(format!("cannot read standard input: {e}")))?;
                }
            }
            let command = parse_command(&text)?;
            if actor.trim().is_empty() {
                return Err(input("--actor must name who is acting"));
            }
            let book = open(&cli.database).await?;
            let ctx = Context::new(jiff::Timestamp::now(), actor.trim(), body.into());
            let done = book
                .execute(&r, &command, &ctx, expected_version, "console")
                .await?;
            for rec in &done.records {
                println!("{} v{} {}", r, rec.version, rec.kind);
            }
            println!("{r} is now at version {}", done.version);
        }
        Cmd::Audit {
            action: AuditCmd::Verify,
        } => {
            let book = open(&cli.database).await?;
            let v = book.verify().await?;
            match v.head {
                Some(h) => println!(
                    "intact: {} events, head {} at position {}",
                    v.events, h.hash, h.position
                ),
                None => println!("intact: the event log is empty"),
            }
            match v.audit_head {
                Some(h) => println!("intact: {} audit entries, head {h}", v.audit_entries),
                None => println!("intact: the audit trail is empty"),
            }
        }
        Cmd::User {
            action:
                UserCmd::Add {
                    username,
                    role,
                    force,
                    body,
                    password_stdin: _,
                },
        } => {
            let force = force
                .as_deref()
                .map(probity_domain::force::Force::parse)
                .transpose()
                .map_err(|e| input(e.to_string()))?;
            let body = body.map(Body::from).unwrap_or(if force.is_some() {
                Body::AppropriateAuthority
            } else {
                Body::OversightBody
            });
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| input(format!("cannot read the password: {e}")))?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let book = open(&cli.database).await?;
            book.add_user(
                NewUser {
                    username: username.clone(),
                    role,
                    body,
                    force,
                    password,
                },
                "console",
            )
            .await?;
            println!("added {username} ({})", role.code());
        }
        Cmd::User {
            action: UserCmd::Disable { username },
        } => {
            let book = open(&cli.database).await?;
            book.disable_user(&username, "console").await?;
            println!("disabled {username}; their sessions and tokens have ended");
        }
        Cmd::User {
            action: UserCmd::List,
        } => {
            let book = open(&cli.database).await?;
            for u in book.db().users().await? {
                println!(
                    "{:<24} {:<22} {:<22} {:<16} {}",
                    u.username,
                    u.role,
                    u.body,
                    u.force.as_deref().unwrap_or("-"),
                    if u.disabled { "disabled" } else { "active" }
                );
            }
        }
        Cmd::Token {
            action: TokenCmd::Create { username, label },
        } => {
            let book = open(&cli.database).await?;
            let token = book.create_token(&username, &label, "console").await?;
            println!("{}", token.0);
            eprintln!("This token is shown once. Send it as 'Authorization: Bearer <token>'.");
        }
        Cmd::Rebuild => {
            let book = open(&cli.database).await?;
            let c = book.rebuild().await?;
            println!(
                "rebuilt from {} events: {} cases, {} subjects, {} allegations, {} findings",
                c.events, c.cases, c.subjects, c.allegations, c.findings
            );
        }
    }
    Ok(())
}

/// Reads a command from JSON text.
fn parse_command(text: &str) -> Result<Command, Failure> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| input(format!("the command is not valid JSON: {e}")))?;
    Ok(probity_app::command_from_json(value)?)
}

async fn serve(
    database: &str,
    listen: &str,
    behind_tls: bool,
    with_demo: bool,
) -> Result<(), Failure> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let book = open(database).await?;
    if with_demo {
        if book.counts().await?.events == 0 {
            let summary = demo::fill(&book, demo::SYNTHETIC_CASES).await?;
            let users = demo::add_demo_users(&book).await?;
            println!(
                "Loaded the demo: {} cases, {} events, into {database}.",
                summary.cases, summary.events
            );
            println!("Demo log-ins (shown once; POST /api/v1/session with these):");
            for (username, role, password) in users {
                println!("  {:<26} {:<22} {password}", username, role.code());
            }
        } else {
            println!(
                "{database} already holds data; its demo log-ins were printed when it was created."
            );
            println!("Add an account with: probity user add NAME --role ROLE --password-stdin");
        }
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| input(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener.local_addr().map_err(|e| input(e.to_string()))?;
    if !addr.ip().is_loopback() && !behind_tls {
        tracing::warn!(%addr, "listening beyond this machine without --behind-tls: put TLS in front");
    }
    println!(
        "Probity is serving on http://{addr} (health: /healthz, API: /api/v1). Stop with Ctrl-C."
    );
    let state = probity_web::AppState {
        book,
        secure_cookies: behind_tls,
    };
    probity_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| input(format!("the server stopped: {e}")))?;
    println!("Stopped.");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop taking connections and finish those in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
