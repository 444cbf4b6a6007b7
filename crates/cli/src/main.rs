//! `probity`: the command line. Parses arguments, calls the application shell, prints.

use std::io::Read;

/// mimalloc: the server allocates per request, and glibc's allocator showed in profiles.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

/// Output to a pipe that was closed (`probity stats | head`) ends the program quietly, as other
/// command-line tools do, instead of panicking as std's `println!` does. Defined before the
/// modules, so it is the `println!` and `print!` of the whole binary.
fn written(result: std::io::Result<()>) {
    if let Err(e) = result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        panic!("failed printing to stdout: {e}");
    }
}

macro_rules! println {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        $crate::written(writeln!(std::io::stdout(), $($arg)*));
    }};
}

macro_rules! print {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        $crate::written(write!(std::io::stdout(), $($arg)*));
    }};
}

use clap::{Parser, Subcommand, ValueEnum};
use probity_app::{
    Anchors, AppError, Console, DatabaseUrl, Desk, NewUser, Office, SYNTHETIC_CASES, Signer,
};
use probity_domain::access::StaffRole;
use probity_domain::category::SUBCATEGORIES;
use probity_domain::force::{FORCES, Force};
use probity_domain::scenario::REFERENCE_CASE;
use probity_domain::{Body, Command, Reference};
use probity_store::StoreError;
use probity_web::limits::{LimitSettings, Rate};

mod text;

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
    /// Who is at the console, as recorded in the audit trail and on events (`console:NAME`);
    /// defaults to the operating system's user.
    #[arg(long, global = true, env = "PROBITY_ACTOR")]
    actor: Option<String>,
    /// The role you act in at the console (e.g. decision-maker). Without it: the role of the
    /// account named by --actor, else administrator for local administration and auditor for
    /// `audit verify`. Case files and commands need one.
    #[arg(long = "as", global = true, env = "PROBITY_ROLE", value_parser = parse_role)]
    as_role: Option<StaffRole>,
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
        #[command(flatten)]
        anchoring: Anchoring,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        mail: MailArgs,
        #[command(flatten)]
        public: PublicArgs,
    },
    /// Fill an empty database with the reference case 2020/134541 and synthetic cases.
    Demo {
        /// How many synthetic cases to add beside the reference case.
        #[arg(long, default_value_t = SYNTHETIC_CASES)]
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
    /// Load what other systems published: each row once, each rejected row reported with its
    /// line; importing the same file again adds nothing.
    Import {
        #[command(subcommand)]
        source: ImportCmd,
    },
    /// Bank holidays: import newer GOV.UK data (https://www.gov.uk/bank-holidays.json).
    Holidays {
        #[command(subcommand)]
        action: HolidaysCmd,
    },
    /// The notices of duties coming due and overdue: how many wait, failed, went, were cancelled.
    Outbox {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Your duties and your team's, next due first, from the statutory clocks.
    Work {
        /// mine (cases whose team includes you), team (your body's duties) or all.
        #[arg(long, value_enum, default_value_t = ScopeArg::All)]
        scope: ScopeArg,
        /// Only this clock (e.g. progress_update).
        #[arg(long)]
        clock: Option<String>,
        /// Only this force's cases (and, with --body appropriate-authority, the force you work for).
        #[arg(long)]
        force: Option<String>,
        /// Only duties overdue today.
        #[arg(long)]
        overdue: bool,
        /// The body you work for (defaults to your account's, else the oversight body): its
        /// duties are your team's.
        #[arg(long, value_enum)]
        body: Option<BodyArg>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Reports over the cases you may see.
    Report {
        #[command(subcommand)]
        action: ReportCmd,
    },
    /// Statistics over the allegations (analysts: codes and counts, never names): cases and
    /// allegations per year and body, categories (ours and the source's), handling, findings,
    /// time to finalise, subjects by number of allegations, disproportionality by stage.
    Stats {
        /// Received on or after this day.
        #[arg(long)]
        from: Option<jiff::civil::Date>,
        /// Received on or before this day.
        #[arg(long)]
        to: Option<jiff::civil::Date>,
        /// One force (its code, see `probity forces`) or another body's code (`nypd`).
        #[arg(long)]
        force: Option<String>,
        /// One source: `probity` for cases recorded here, or an importer's name (`ccrb`).
        #[arg(long)]
        source: Option<String>,
        /// `svg` draws one chart (`--chart`) as an SVG document.
        #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
        format: StatsFormat,
        /// The chart `--format svg` draws.
        #[arg(long, value_enum, default_value_t = ChartName::Years)]
        chart: ChartName,
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
        /// Why you read it, recorded in the audit trail: case work, review, correspondence,
        /// publication, disclosure, oversight or audit.
        #[arg(long, default_value = probity_app::DEFAULT_PURPOSE)]
        purpose: String,
    },
    /// Make a letter or report from the case: the request (JSON, e.g. {"kind":"progress_update","to":1})
    /// from --file or standard input; with --sent N, the Nth letter sent, made again. Send it
    /// with `case apply` and the `send` command of --format json.
    Letter {
        reference: String,
        /// The letter sent, from 1, instead of a new one.
        #[arg(long)]
        sent: Option<usize>,
        /// The body you act for (defaults to your account's, else the oversight body).
        #[arg(long, value_enum)]
        body: Option<BodyArg>,
        /// The force you work for, when you act as a force's staff.
        #[arg(long)]
        force: Option<String>,
        /// The day the letter is dated (YYYY-MM-DD), when not today.
        #[arg(long)]
        on: Option<jiff::civil::Date>,
        /// Read the request from this file instead of standard input.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run one command (JSON, from --file or standard input) on a case, as --actor in --as.
    Apply {
        reference: String,
        /// The body you act for (defaults to your account's, else the oversight body).
        #[arg(long, value_enum)]
        body: Option<BodyArg>,
        /// The force you work for, when you act as a force's staff.
        #[arg(long)]
        force: Option<String>,
        /// Refuse if the case is no longer at this version.
        #[arg(long)]
        expected_version: Option<u64>,
        /// The day it happened (YYYY-MM-DD), when not today.
        #[arg(long)]
        on: Option<jiff::civil::Date>,
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
enum ImportCmd {
    /// The IOPC's published learning recommendations and investigation summaries, one row a
    /// page (shared/data/uk/iopc_recommendations_bbc): on the public portal and register as
    /// published, each retained from the day it is first imported.
    IopcRecommendations {
        file: std::path::PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// New York's Civilian Complaint Review Board allegations (shared/data/ccrb), one case per
    /// complaint, officers known by the board's identifier (names are not read).
    Ccrb {
        file: std::path::PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Chicago's police complaints (shared/data/chicago: the complaints, accused and
    /// complainants files, gzip-compressed as published), one case per complaint, officers
    /// known by the data set's UID (names and addresses are not read).
    Chicago {
        dir: std::path::PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Any other body's export, read as a mapping file says (docs/import-mapping.md; the
    /// worked example is mappings/philadelphia.toml): FILE holds the cases, and the files the
    /// mapping names are read from beside it.
    Csv {
        file: std::path::PathBuf,
        #[arg(long)]
        mapping: std::path::PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// A national-scale synthetic caseload for measuring the statistics (`SYN-0`, `SYN-1`...:
    /// the 43 forces, 2015–2024, about 1.7 allegations a case; codes only, no one's data). The
    /// same seed gives the same cases, so running it again adds nothing.
    Synthetic {
        /// How many cases (England and Wales records about a million in ten years).
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// Synthetic cases generated and loaded at a time.
const SYNTHETIC_CHUNK: u64 = 50_000;

#[derive(Clone, Copy, ValueEnum)]
enum StatsFormat {
    Table,
    Csv,
    Json,
    Svg,
}

/// The charts of `probity_charts::Chart`, by their names.
#[derive(Clone, Copy, ValueEnum)]
enum ChartName {
    /// Allegations by year received.
    Years,
    /// Allegations by finding.
    Findings,
    /// Subjects by number of allegations.
    Subjects,
    /// Relative rate indices of substantiation by complainant ethnicity, with 95% intervals.
    Disproportionality,
}

impl From<ChartName> for probity_charts::Chart {
    fn from(c: ChartName) -> Self {
        match c {
            ChartName::Years => probity_charts::Chart::Years,
            ChartName::Findings => probity_charts::Chart::Findings,
            ChartName::Subjects => probity_charts::Chart::Subjects,
            ChartName::Disproportionality => probity_charts::Chart::Disproportionality,
        }
    }
}

/// Rows read and loaded, on a terminal; nothing when stderr is not one (tests, pipes, CI).
fn progress_bar(total: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows ({per_sec}, {eta})")
            .expect("a valid template"),
    );
    bar
}

#[derive(Subcommand)]
enum HolidaysCmd {
    /// Add bank holidays for years after the data held (GOV.UK's JSON format); the duties are
    /// counted again with them.
    Import { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum ReportCmd {
    /// Duties overdue today, per force, team and clock.
    Overdue {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ScopeArg {
    Mine,
    Team,
    All,
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
    /// Verify the record: both hash chains and their ties, the signed checkpoints, the personal
    /// data against its commitments and the read models against the log. Exit 0 when intact,
    /// 6 naming what was found.
    Verify {
        /// A directory of exported checkpoints and trusted public keys (`*.json`, `*.pub`),
        /// kept where the database's administrators cannot write: truncation, rewriting and
        /// re-sealing since any of them are found.
        #[arg(long)]
        checkpoints: Option<std::path::PathBuf>,
        /// Also trust this public key (hex), e.g. one kept apart from the directory.
        #[arg(long)]
        public_key: Vec<std::path::PathBuf>,
    },
    /// Sign a checkpoint of both chain heads now, keep it and export it.
    Checkpoint {
        #[command(flatten)]
        anchoring: Anchoring,
    },
    /// Print the checkpoints kept in the database, one JSON object a line.
    Checkpoints,
    /// Make a new signing key (and its public half, PATH.pub). To rotate, make one and start
    /// the server with it; keep the old public key with the exported checkpoints.
    Keygen { path: std::path::PathBuf },
}

/// Where notices of duties coming due and overdue go.
#[derive(clap::Args, Clone)]
struct MailArgs {
    /// Send notices through this mail server (smtp://host:port, a relay without TLS); without
    /// it they are written to --mailbox.
    #[arg(long, env = "PROBITY_SMTP")]
    smtp: Option<String>,
    /// The folder notices are written to when no --smtp is given.
    #[arg(long, env = "PROBITY_MAILBOX", default_value = "mailbox")]
    mailbox: std::path::PathBuf,
    /// The sender's address.
    #[arg(long, env = "PROBITY_MAIL_FROM", default_value = "probity@localhost")]
    mail_from: String,
    /// A user's address is their user name at this domain.
    #[arg(long, env = "PROBITY_MAIL_DOMAIN", default_value = "localhost")]
    mail_domain: String,
    /// Seconds between rounds of delivery.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    outbox_every: u64,
    /// Seconds a claimed notice is held before another server may send it.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
    outbox_lease: u64,
}

impl MailArgs {
    fn config(&self) -> Result<probity_app::MailConfig, Failure> {
        let delivery = match &self.smtp {
            Some(url) => probity_app::Delivery::smtp(url)?,
            None => probity_app::Delivery::Mailbox(self.mailbox.clone()),
        };
        Ok(probity_app::MailConfig {
            from: self.mail_from.clone(),
            domain: self.mail_domain.clone(),
            lease: std::time::Duration::from_secs(self.outbox_lease),
            ..probity_app::MailConfig::new(delivery)
        })
    }
}

/// The text of `file`, or of standard input without one.
fn read_input(file: Option<&std::path::Path>) -> Result<String, Failure> {
    let mut text = String::new();
    match file {
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
    Ok(text)
}

/// How often one address or one user may call.
#[derive(clap::Args, Clone)]
struct LimitArgs {
    /// Requests a second from one source address (twice that in a burst).
    #[arg(long, env = "PROBITY_LIMIT_PER_ADDRESS", default_value_t = LimitSettings::default().per_address.per_second, value_parser = clap::value_parser!(u32).range(1..))]
    limit_per_address: u32,
    /// Requests a second from one signed-in user (twice that in a burst).
    #[arg(long, env = "PROBITY_LIMIT_PER_USER", default_value_t = LimitSettings::default().per_user.per_second, value_parser = clap::value_parser!(u32).range(1..))]
    limit_per_user: u32,
    /// Log-in attempts a minute from one source address.
    #[arg(long, env = "PROBITY_LIMIT_LOGINS", default_value_t = LimitSettings::default().logins_per_minute, value_parser = clap::value_parser!(u32).range(1..))]
    limit_logins: u32,
}

impl LimitArgs {
    fn settings(&self) -> LimitSettings {
        let rate = |n: u32| Rate {
            per_second: n,
            burst: n.saturating_mul(2),
        };
        LimitSettings {
            per_address: rate(self.limit_per_address),
            per_user: rate(self.limit_per_user),
            logins_per_minute: self.limit_logins,
        }
    }
}

/// Where checkpoints are signed and exported.
#[derive(clap::Args, Clone)]
struct Anchoring {
    /// The key that signs checkpoints: never in the database. Made on first use when missing.
    #[arg(
        long,
        env = "PROBITY_SIGNING_KEY",
        default_value = "probity-keys/checkpoint.key"
    )]
    signing_key: std::path::PathBuf,
    /// Where each checkpoint is exported (with the public key): a place the database's
    /// administrators do not control.
    #[arg(
        long,
        env = "PROBITY_CHECKPOINT_DIR",
        default_value = "probity-checkpoints"
    )]
    checkpoint_dir: std::path::PathBuf,
    /// Seconds between checkpoints while serving (one is signed only when a head has moved).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    checkpoint_every: u64,
}

/// The public portal's listener.
#[derive(clap::Args, Clone)]
struct PublicArgs {
    /// The address the public portal listens on (its own listener: nothing of the caseworkers'
    /// side is served there).
    #[arg(long, env = "PROBITY_PUBLIC_LISTEN", default_value = "127.0.0.1:8081")]
    public_listen: String,
    /// The portal's address as the public reaches it, for the feeds' links (default: the
    /// listener's, over http).
    #[arg(long, env = "PROBITY_PUBLIC_URL")]
    public_url: Option<String>,
    /// Years a published item stays on the portal after its day.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(i16).range(1..=100))]
    public_retention_years: i16,
}

impl PublicArgs {
    fn parse_defaults() -> PublicArgs {
        Defaults::parse_from(["probity"]).public
    }
}

/// The defaults of a group of flags, for a bare `probity`.
#[derive(Parser)]
struct Defaults {
    #[command(flatten)]
    anchoring: Anchoring,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    mail: MailArgs,
    #[command(flatten)]
    public: PublicArgs,
}

impl MailArgs {
    fn parse_defaults() -> MailArgs {
        Defaults::parse_from(["probity"]).mail
    }
}

impl LimitArgs {
    fn parse_defaults() -> LimitArgs {
        Defaults::parse_from(["probity"]).limits
    }
}

impl Anchoring {
    /// The defaults, for a bare `probity`.
    fn parse_defaults() -> Anchoring {
        Defaults::parse_from(["probity"]).anchoring
    }

    fn signer(&self) -> Result<Signer, Failure> {
        if let Some(dir) = self
            .signing_key
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| input(format!("cannot make {}: {e}", dir.display())))?;
        }
        Ok(Signer::load_or_generate(&self.signing_key)?.exporting_to(self.checkpoint_dir.clone()))
    }
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
            e if e.is_no_such_case() => 4,
            AppError::Refused(_) => 3,
            AppError::Missing(_) => 4,
            AppError::Store(StoreError::Conflict { .. }) => 5,
            AppError::Broken(_) | AppError::Tampered(_) => 6,
            AppError::Denied(_) | AppError::Unauthenticated | AppError::Throttled => 7,
            _ => 1,
        };
        let message = match &e {
            AppError::Tampered(found) => {
                let mut m = e.to_string();
                for f in found {
                    m.push_str(&format!("\n  {f}"));
                }
                m
            }
            _ => e.to_string(),
        };
        Failure { code, message }
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

/// The operating system's user, for a console actor not named with --actor.
fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
        .unwrap_or_else(|| "console".into())
}

/// Who is at the console, and the role the command acts in when nothing else says.
struct At {
    actor: String,
    role: Option<StaffRole>,
}

impl At {
    async fn desk(
        &self,
        office: &Office,
        default_role: Option<StaffRole>,
        body: Option<Body>,
        force: Option<Force>,
    ) -> Result<Desk, Failure> {
        Ok(office
            .console(Console {
                actor: self.actor.clone(),
                role: self.role,
                body,
                force,
                default_role,
            })
            .await?)
    }

    /// A desk for local administration: administrator unless told otherwise.
    async fn admin(&self, office: &Office) -> Result<Desk, Failure> {
        self.desk(office, Some(StaffRole::Administrator), None, None)
            .await
    }
}

async fn open(url: &str) -> Result<Office, Failure> {
    Ok(Office::open(url).await?)
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let at = At {
        actor: cli.actor.clone().unwrap_or_else(os_user),
        role: cli.as_role,
    };
    // Bare `probity`: serve on the default, with demo data in a new database.
    let command = match cli.command {
        Some(c) => c,
        None => Cmd::Serve {
            listen: "127.0.0.1:8080".into(),
            behind_tls: false,
            demo: true,
            anchoring: Anchoring::parse_defaults(),
            limits: LimitArgs::parse_defaults(),
            mail: MailArgs::parse_defaults(),
            public: PublicArgs::parse_defaults(),
        },
    };
    match command {
        Cmd::Serve {
            listen,
            behind_tls,
            demo,
            anchoring,
            limits,
            mail,
            public,
        } => {
            serve(
                &cli.database,
                &at,
                &listen,
                behind_tls,
                demo,
                &anchoring,
                &limits,
                &mail,
                &public,
            )
            .await?
        }
        Cmd::MigrateStore { from, to } => {
            let source = open(&from).await?;
            let target = open(&to).await?;
            let moved = at
                .admin(&source)
                .await?
                .move_store(&target, &|step| eprintln!("{step}"))
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
        Cmd::Import { source } => {
            type Reader = fn(&[u8]) -> Result<probity_import::Read, probity_import::FileError>;
            let file_read = |file: &std::path::Path, reader: Reader| {
                let bytes = std::fs::read(file)
                    .map_err(|e| input(format!("cannot read {}: {e}", file.display())))?;
                reader(&bytes).map_err(|e| input(format!("{}: {e}", file.display())))
            };
            let mut synthetic = None;
            let (file, format, read) = match source {
                ImportCmd::Synthetic {
                    cases,
                    seed,
                    format,
                } => {
                    synthetic = Some((seed, cases));
                    let read = probity_import::synthetic::read(seed, 0, 0);
                    (
                        std::path::PathBuf::from(format!("synthetic:{seed}")),
                        format,
                        read,
                    )
                }
                ImportCmd::IopcRecommendations { file, format } => {
                    let read = file_read(&file, probity_import::iopc::read)?;
                    (file, format, read)
                }
                ImportCmd::Ccrb { file, format } => {
                    let read = file_read(&file, probity_import::ccrb::read)?;
                    (file, format, read)
                }
                ImportCmd::Chicago { dir, format } => {
                    let read = probity_import::chicago::read_dir(&dir)
                        .map_err(|e| input(e.to_string()))?;
                    (dir, format, read)
                }
                ImportCmd::Csv {
                    file,
                    mapping,
                    format,
                } => {
                    let text = std::fs::read_to_string(&mapping).map_err(|e| {
                        input(format!(
                            "cannot read the mapping {}: {e}",
                            mapping.display()
                        ))
                    })?;
                    let read = probity_import::mapping::read_files(&file, &text).map_err(|e| {
                        input(match e {
                            probity_import::mapping::MappingError::Toml(_)
                            | probity_import::mapping::MappingError::Invalid { .. } => {
                                format!("{}: {e}", mapping.display())
                            }
                            e => e.to_string(),
                        })
                    })?;
                    (file, format, read)
                }
            };
            let digest = read.digest.clone();
            let total = (read.rows.len() + read.rejected.len()) as u64;
            let chunks: Box<dyn Iterator<Item = probity_import::Read>> = match synthetic {
                // Generated a chunk at a time, so a million cases never sit in memory at once.
                Some((seed, cases)) => Box::new((0..cases).step_by(SYNTHETIC_CHUNK as usize).map(
                    move |first| {
                        probity_import::synthetic::read(
                            seed,
                            first,
                            SYNTHETIC_CHUNK.min(cases - first),
                        )
                    },
                )),
                None => Box::new(std::iter::once(read)),
            };
            let office = open(&cli.database).await?;
            let desk = at.admin(&office).await?;
            let bar = progress_bar(synthetic.map_or(total, |(_, cases)| cases));
            let done = std::sync::atomic::AtomicUsize::new(0);
            let mut report = probity_import::Report::default();
            for read in chunks {
                let before = done.load(std::sync::atomic::Ordering::Relaxed);
                let load = probity_import::load_telling(&desk, read, |n| {
                    done.store(before + n, std::sync::atomic::Ordering::Relaxed);
                    bar.set_position((before + n) as u64);
                });
                // Ctrl-C (or SIGINT, even when inherited as ignored) stops the import at once:
                // each batch is one transaction, so it is in whole or not at all.
                let part = tokio::select! {
                    part = load => part.map_err(|i| {
                        let mut f = Failure::from(i.error);
                        f.message = format!(
                            "{}; the {} rows before it were loaded, and importing the file again loads the rest",
                            f.message,
                            report.added + report.updated + report.unchanged
                                + i.report.added + i.report.updated + i.report.unchanged
                        );
                        f
                    })?,
                    _ = tokio::signal::ctrl_c() => {
                        bar.abandon();
                        return Err(Failure {
                            code: 130,
                            message: format!(
                                "interrupted after about {} rows: each batch of {} is in whole or not at all; importing the file again loads the rest",
                                done.load(std::sync::atomic::Ordering::Relaxed),
                                probity_import::BATCH
                            ),
                        });
                    }
                };
                report.lines += part.lines;
                report.rows += part.rows;
                report.added += part.added;
                report.updated += part.updated;
                report.unchanged += part.unchanged;
                report.rejected.extend(part.rejected);
            }
            bar.finish_and_clear();
            text::import_report(&file, &digest, &report, matches!(format, Format::Json));
        }
        Cmd::Stats {
            from,
            to,
            force,
            source,
            format,
            chart,
        } => {
            if let (Some(from), Some(to)) = (from, to)
                && to < from
            {
                return Err(input(format!("--to {to} is before --from {from}")));
            }
            let office = open(&cli.database).await?;
            let filter = probity_app::FactFilter {
                from,
                to,
                body: force,
                source,
            };
            let stats = at
                .desk(&office, Some(StaffRole::Analyst), None, None)
                .await?
                .statistics(filter)
                .await?;
            match format {
                StatsFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&stats).expect("statistics serialise")
                ),
                StatsFormat::Table => print!("{}", text::statistics(&stats)),
                StatsFormat::Csv => print!("{}", text::statistics_csv(&stats)),
                StatsFormat::Svg => print!("{}", probity_charts::svg(&stats, chart.into())),
            }
        }
        Cmd::Holidays {
            action: HolidaysCmd::Import { file },
        } => {
            let json = std::fs::read_to_string(&file)
                .map_err(|e| input(format!("cannot read {}: {e}", file.display())))?;
            let office = open(&cli.database).await?;
            let (from, to) = at.admin(&office).await?.import_holidays(&json).await?;
            println!(
                "imported the bank holidays of England and Wales for {from} to {to}; the duties were counted again"
            );
        }
        Cmd::Outbox { format } => {
            let office = open(&cli.database).await?;
            let c = at.admin(&office).await?.outbox().await?;
            match format {
                Format::Text => println!(
                    "outbox: {} due now and {} later ({} of these failed before), {} sent, {} cancelled",
                    c.due, c.later, c.failing, c.sent, c.cancelled
                ),
                Format::Json => {
                    println!("{}", serde_json::to_string(&c).expect("counts serialise"))
                }
            }
        }
        Cmd::Work {
            scope,
            clock,
            force,
            overdue,
            body,
            format,
        } => {
            let clock = clock
                .map(|c| {
                    probity_domain::clock::ClockName::parse(c.trim())
                        .ok_or_else(|| input(format!("'{c}' is not a clock")))
                })
                .transpose()?;
            let force = force
                .map(|f| Force::parse(&f))
                .transpose()
                .map_err(|e| input(e.to_string()))?;
            let office = open(&cli.database).await?;
            // Force staff work for their force: the filter is also who they are.
            let staff_force = match body {
                Some(BodyArg::AppropriateAuthority | BodyArg::LocalPolicingBody) => force,
                _ => None,
            };
            let desk = at
                .desk(&office, None, body.map(Body::from), staff_force)
                .await?;
            let query = probity_store::WorkQuery {
                scope: match scope {
                    ScopeArg::Mine => probity_store::WorkScope::Mine,
                    ScopeArg::Team => probity_store::WorkScope::Team,
                    ScopeArg::All => probity_store::WorkScope::All,
                },
                body: desk.principal().body,
                clock,
                force,
                overdue_only: overdue,
                today: jiff::civil::Date::MIN,
                offset: 0,
                limit: 1000,
                count_cap: probity_store::WORK_COUNT_CAP,
            };
            let (today, page) = desk.work(&query).await?;
            match format {
                Format::Text => print!("{}", text::work(today, &page)),
                Format::Json => println!("{}", text::work_json(today, &page)),
            }
        }
        Cmd::Report {
            action: ReportCmd::Overdue { format },
        } => {
            let office = open(&cli.database).await?;
            let (today, lines) = at
                .desk(&office, None, None, None)
                .await?
                .overdue_report()
                .await?;
            match format {
                Format::Text => print!("{}", text::overdue(today, &lines)),
                Format::Json => println!("{}", text::overdue_json(today, &lines)),
            }
        }
        Cmd::Forces => {
            for f in FORCES {
                println!("{:<20} {}", f.code, f.name);
            }
        }
        Cmd::Demo { synthetic } => {
            let office = open(&cli.database).await?;
            let summary = at.admin(&office).await?.load_demo(synthetic).await?;
            println!(
                "Loaded {} cases ({} events) into {}, among them the reference case {REFERENCE_CASE}.",
                summary.cases, summary.events, cli.database
            );
            println!(
                "Next: probity case show {REFERENCE_CASE} --as decision-maker; probity audit verify."
            );
        }
        Cmd::Case {
            action:
                CaseCmd::Show {
                    reference: r,
                    format,
                    purpose,
                },
        } => {
            let r = reference(&r)?;
            let purpose = probity_domain::access::ReadPurpose::parse(&purpose).map_err(input)?;
            let office = open(&cli.database).await?;
            let file = at
                .desk(&office, None, None, None)
                .await?
                .case_file(&r, purpose)
                .await?;
            match format {
                Format::Text => print!("{}", text::case_file(&file)),
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&*file).expect("case files serialise")
                ),
            }
        }
        Cmd::Case {
            action:
                CaseCmd::Letter {
                    reference: r,
                    sent,
                    body,
                    force,
                    on,
                    file,
                    format,
                },
        } => {
            let r = reference(&r)?;
            let force = force
                .as_deref()
                .map(Force::parse)
                .transpose()
                .map_err(|e| input(e.to_string()))?;
            let request = match sent {
                Some(_) => None,
                None => {
                    let text = read_input(file.as_deref())?;
                    Some(
                        serde_json::from_str::<probity_domain::letter::LetterRequest>(&text)
                            .map_err(|e| input(format!("the letter request is not valid: {e}")))?,
                    )
                }
            };
            let office = open(&cli.database).await?;
            let desk = at.desk(&office, None, body.map(Body::from), force).await?;
            let letter = match (sent, request) {
                (Some(n), _) => desk.sent_letter(&r, n).await?,
                (None, Some(req)) => desk.letter(&r, &req, on).await?,
                (None, None) => unreachable!("a request is read unless --sent"),
            };
            match format {
                Format::Text => print!("{}", letter.text()),
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&letter).expect("letters serialise")
                ),
            }
        }
        Cmd::Case {
            action:
                CaseCmd::Apply {
                    reference: r,
                    body,
                    force,
                    expected_version,
                    on,
                    file,
                },
        } => {
            let r = reference(&r)?;
            let text = read_input(file.as_deref())?;
            let command = parse_command(&text)?;
            let force = force
                .as_deref()
                .map(Force::parse)
                .transpose()
                .map_err(|e| input(e.to_string()))?;
            let office = open(&cli.database).await?;
            let desk = at.desk(&office, None, body.map(Body::from), force).await?;
            let done = desk.run_on(&r, &command, expected_version, on).await?;
            for rec in &done.records {
                println!("{} v{} {}", r, rec.version, rec.kind);
            }
            println!("{r} is now at version {}", done.version);
        }
        Cmd::Audit {
            action:
                AuditCmd::Verify {
                    checkpoints,
                    public_key,
                },
        } => {
            let mut anchors = match &checkpoints {
                Some(dir) => Anchors::read(dir)?,
                None => Anchors::default(),
            };
            for key in &public_key {
                anchors = anchors.trusting(key)?;
            }
            if checkpoints.is_some() && anchors.exported.is_empty() {
                return Err(input("the checkpoint directory holds no checkpoints"));
            }
            let office = open(&cli.database).await?;
            let desk = at
                .desk(&office, Some(StaffRole::Auditor), None, None)
                .await?;
            let v = desk.verify_against(&anchors).await?;
            println!(
                "intact: {} checkpoints held ({} exported and trusted); {} cases' personal data and read models match the log{}",
                v.checkpoints,
                v.anchored,
                v.cases,
                if v.changed > 0 {
                    format!(
                        " ({} changed while being checked and were left out)",
                        v.changed
                    )
                } else {
                    String::new()
                }
            );
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
        Cmd::Audit {
            action: AuditCmd::Checkpoint { anchoring },
        } => {
            let signer = anchoring.signer()?;
            let office = open(&cli.database).await?;
            let desk = at
                .desk(&office, Some(StaffRole::Auditor), None, None)
                .await?;
            let c = desk.sign_checkpoint(&signer).await?;
            println!("{}", c.to_json());
            eprintln!(
                "signed with key {} and exported to {}",
                c.key_id(),
                anchoring.checkpoint_dir.display()
            );
        }
        Cmd::Audit {
            action: AuditCmd::Checkpoints,
        } => {
            let office = open(&cli.database).await?;
            let desk = at
                .desk(&office, Some(StaffRole::Auditor), None, None)
                .await?;
            for c in desk.checkpoints().await? {
                println!("{}", c.to_json());
            }
        }
        Cmd::Audit {
            action: AuditCmd::Keygen { path },
        } => {
            let signer = Signer::generate(&path)?;
            println!(
                "made signing key {} at {} (public key at {}.pub)",
                signer.key_id(),
                path.display(),
                path.display()
            );
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
                .map(Force::parse)
                .transpose()
                .map_err(|e| input(e.to_string()))?;
            let body = body
                .map(Body::from)
                .unwrap_or_else(|| probity_domain::access::default_body(force));
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| input(format!("cannot read the password: {e}")))?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let office = open(&cli.database).await?;
            at.admin(&office)
                .await?
                .add_user(NewUser {
                    username: username.clone(),
                    role,
                    body,
                    force,
                    password,
                })
                .await?;
            println!("added {username} ({})", role.code());
        }
        Cmd::User {
            action: UserCmd::Disable { username },
        } => {
            let office = open(&cli.database).await?;
            at.admin(&office).await?.disable_user(&username).await?;
            println!("disabled {username}; their sessions and tokens have ended");
        }
        Cmd::User {
            action: UserCmd::List,
        } => {
            let office = open(&cli.database).await?;
            for u in at.admin(&office).await?.users().await? {
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
            let office = open(&cli.database).await?;
            let token = at
                .admin(&office)
                .await?
                .create_token(&username, &label)
                .await?;
            println!("{}", token.0);
            eprintln!("This token is shown once. Send it as 'Authorization: Bearer <token>'.");
        }
        Cmd::Rebuild => {
            let office = open(&cli.database).await?;
            let c = at.admin(&office).await?.rebuild().await?;
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

// The server's settings, each a group of flags of its own.
#[allow(clippy::too_many_arguments)]
async fn serve(
    database: &str,
    at: &At,
    listen: &str,
    behind_tls: bool,
    with_demo: bool,
    anchoring: &Anchoring,
    limits: &LimitArgs,
    mail: &MailArgs,
    public: &PublicArgs,
) -> Result<(), Failure> {
    let mail_config = mail.config()?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let office = open(database).await?;
    if with_demo {
        let admin = at.admin(&office).await?;
        if admin.counts().await?.events == 0 {
            let summary = admin.load_demo(SYNTHETIC_CASES).await?;
            let users = admin.add_demo_users().await?;
            println!(
                "Loaded the demo: {} cases, {} events, into {database}.",
                summary.cases, summary.events
            );
            println!(
                "Demo log-ins (shown once; sign in with these in a browser, or POST /api/v1/session):"
            );
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
    let signer = std::sync::Arc::new(anchoring.signer()?);
    println!(
        "Signing checkpoints with key {} ({}) every {} s into {}/: keep copies where the database's administrators cannot write.",
        signer.key_id(),
        anchoring.signing_key.display(),
        anchoring.checkpoint_every,
        anchoring.checkpoint_dir.display()
    );
    let anchor = {
        let (office, signer) = (office.clone(), signer.clone());
        let every = std::time::Duration::from_secs(anchoring.checkpoint_every);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = office.checkpoint_if_moved(&signer).await {
                    tracing::error!(error = %e, "a checkpoint could not be signed");
                }
            }
        })
    };
    let (stop_mail, stopped) = tokio::sync::watch::channel(false);
    let postman = {
        let postman = office.postman(mail_config.clone());
        let every = std::time::Duration::from_secs(mail.outbox_every);
        tokio::spawn(async move { postman.run(every, stopped).await })
    };
    match &mail_config.delivery {
        probity_app::Delivery::Smtp { host, port } => println!(
            "Sending notices of duties coming due and overdue through {host}:{port} every {} s.",
            mail.outbox_every
        ),
        probity_app::Delivery::Mailbox(dir) => println!(
            "Writing notices of duties coming due and overdue to {}/ every {} s (give --smtp to send them).",
            dir.display(),
            mail.outbox_every
        ),
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| input(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener.local_addr().map_err(|e| input(e.to_string()))?;
    if !addr.ip().is_loopback() && !behind_tls {
        tracing::warn!(%addr, "listening beyond this machine without --behind-tls: put TLS in front");
    }
    println!(
        "Probity is serving on http://{addr} (open it in a browser and sign in; API: /api/v1, health: /healthz). Stop with Ctrl-C."
    );
    let public_listener = tokio::net::TcpListener::bind(&public.public_listen)
        .await
        .map_err(|e| {
            input(format!(
                "cannot listen on {} for the public portal: {e}",
                public.public_listen
            ))
        })?;
    let public_addr = public_listener
        .local_addr()
        .map_err(|e| input(e.to_string()))?;
    let mut portal_config = probity_portal::Config::new(
        public
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{public_addr}")),
    );
    portal_config.retention_years = public.public_retention_years;
    println!(
        "The public portal is serving on http://{public_addr} (published items only: search, feeds, downloads, API at /api/public/v1)."
    );
    let (stop_portal, portal_stopped) = tokio::sync::watch::channel(false);
    let portal = tokio::spawn(probity_portal::serve(
        public_listener,
        probity_portal::Portal::new(office.published_items(), portal_config),
        async move {
            let mut stopped = portal_stopped;
            let _ = stopped.wait_for(|s| *s).await;
        },
    ));
    let state = probity_web::AppState::with_limits(office.clone(), behind_tls, limits.settings());
    probity_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| input(format!("the server stopped: {e}")))?;
    let _ = stop_portal.send(true);
    let _ = portal.await;
    anchor.abort();
    let _ = stop_mail.send(true);
    let _ = postman.await;
    // The last word before stopping: everything written, the refusals counted, is covered.
    office.flush_refusals().await?;
    office.checkpoint_if_moved(&signer).await?;
    office.close().await?;
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
