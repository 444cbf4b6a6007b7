//! Delivering the outbox: notices of duties coming due and overdue, to the members of each
//! case's team, by e-mail over SMTP or, with no mail server configured, as `.eml` files in a
//! mailbox folder. Every server runs a postman; a notice is claimed with a lease before it is
//! sent, so two servers on one database never send the same notice at once, and a notice
//! whose postman died is sent by another when the lease runs out (at least once). A notice
//! accepted by the mail server just before its postman died, before it was marked sent, is
//! sent again: its Message-ID is the same, so mail clients show it once.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use probity_store::outbox::{self, Notice, NoticeKind};
use probity_store::{Action, AuditEntry, Outcome};

use crate::casebook::{AppError, Casebook};

/// Where notices go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// A mail server that relays for us, without TLS (`smtp://host:port`): one on this machine
    /// or the deployment's own network.
    Smtp { host: String, port: u16 },
    /// Each notice a file `<id>-<kind>.eml` in this folder.
    Mailbox(PathBuf),
}

impl Delivery {
    /// `smtp://host[:port]` (port 25 by default).
    pub fn smtp(url: &str) -> Result<Delivery, AppError> {
        let bad = |why: &str| AppError::BadInput(format!("--smtp {url}: {why}"));
        let rest = url.strip_prefix("smtp://").ok_or_else(|| {
            bad("use smtp://host:port (a relay without TLS); smtps and STARTTLS are not built in")
        })?;
        let rest = rest.trim_end_matches('/');
        if rest.contains('@') || rest.contains('/') {
            return Err(bad("give only the host and port"));
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| bad("the port is not a number"))?,
            ),
            None => (rest, 25),
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        Ok(Delivery::Smtp {
            host: host.to_string(),
            port,
        })
    }
}

/// How a postman works.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub delivery: Delivery,
    /// The sender's address.
    pub from: String,
    /// A user's address is their user name at this domain.
    pub domain: String,
    /// How long a claim holds before another postman may take the notice.
    pub lease: Duration,
    /// Notices claimed at a time.
    pub batch: i64,
}

impl MailConfig {
    pub fn new(delivery: Delivery) -> MailConfig {
        MailConfig {
            delivery,
            from: "probity@localhost".into(),
            domain: "localhost".into(),
            lease: Duration::from_secs(120),
            batch: 20,
        }
    }
}

/// What one round of delivery did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

/// The delivery worker of one server.
pub struct Postman {
    book: Arc<Casebook>,
    config: MailConfig,
    worker: String,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
}

impl std::fmt::Debug for Postman {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postman")
            .field("worker", &self.worker)
            .field("delivery", &self.config.delivery)
            .finish()
    }
}

impl Postman {
    pub(crate) fn new(book: Arc<Casebook>, config: MailConfig) -> Postman {
        let mut tag = [0u8; 6];
        getrandom::fill(&mut tag).expect("the operating system provides randomness");
        let worker = format!(
            "postman-{}-{}",
            std::process::id(),
            probity_domain::hex::encode(&tag)
        );
        let smtp = match &config.delivery {
            Delivery::Smtp { host, port } => Some(
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
                    .port(*port)
                    .timeout(Some(Duration::from_secs(30)))
                    .build(),
            ),
            Delivery::Mailbox(_) => None,
        };
        Postman {
            book,
            config,
            worker,
            smtp,
        }
    }

    /// Claims what is due to go now and sends it.
    pub async fn deliver_due(&self) -> Result<Delivered, AppError> {
        let db = self.book.db();
        let now = Timestamp::now().as_microsecond();
        let lease_until = now + self.config.lease.as_micros() as i64;
        let claimed =
            outbox::claim(&**db, &self.worker, now, lease_until, self.config.batch).await?;
        let mut done = Delivered::default();
        for notice in claimed {
            match self.send(&notice).await {
                Ok(()) => {
                    let entry = AuditEntry {
                        recorded_at: Timestamp::now().as_microsecond(),
                        actor: "system:outbox".into(),
                        role: "system".into(),
                        action: Action::NoticeSent,
                        target: notice.reference.clone(),
                        outcome: Outcome::Allowed,
                        purpose: "notification".into(),
                        detail: format!(
                            "{} {} {} to {}",
                            notice.kind.code(),
                            notice.clock.code(),
                            notice.about,
                            notice.recipient
                        ),
                        wrote: None,
                    };
                    outbox::sent(
                        &**db,
                        notice.id,
                        &self.worker,
                        Timestamp::now().as_microsecond(),
                        &entry,
                    )
                    .await?;
                    done.sent += 1;
                }
                Err(e) => {
                    // Tried again later, longer each time, at most an hour on.
                    let wait = (60 * notice.attempts.max(1)).min(3600);
                    let retry = Timestamp::now().as_microsecond() + wait * 1_000_000;
                    tracing::warn!(
                        kind = "notice",
                        attempts = notice.attempts,
                        "delivery failed"
                    );
                    outbox::failed(&**db, notice.id, &self.worker, retry, &e).await?;
                    done.failed += 1;
                }
            }
        }
        Ok(done)
    }

    /// Delivers every `every` until `stop` is set.
    pub async fn run(&self, every: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if let Err(e) = self.deliver_due().await {
                tracing::warn!(error = %e, "the outbox could not be read");
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    fn message(&self, n: &Notice) -> Result<Message, String> {
        let info = n.clock.info();
        let headline = match n.kind {
            NoticeKind::ComingDue => "Coming due",
            NoticeKind::Overdue => "Overdue",
            NoticeKind::Uncounted => "Cannot be counted",
        };
        let due = n
            .due
            .map_or("beyond the bank-holiday data".to_string(), |d| {
                d.to_string()
            });
        let what = match n.kind {
            NoticeKind::ComingDue => format!("is due on {due}."),
            NoticeKind::Overdue => format!("was due on {due} and is not done."),
            NoticeKind::Uncounted => "falls beyond the bank-holiday data held: an administrator must import newer data (probity holidays import FILE).".to_string(),
        };
        let body = format!(
            "Case {reference}\n\n{title} ({about}{period}) {what}\n\nBasis: {basis}\nHow it is counted: {counting}\n{unverified}\nSee the case: probity case show {reference}\n\nYou are told because you are on the case's team. This notice is sent once.\n",
            reference = n.reference,
            title = info.title,
            about = n.about,
            period = if n.period > 1 {
                format!(", period {}", n.period)
            } else {
                String::new()
            },
            basis = info.basis,
            counting = info.counting,
            unverified = info
                .unverified
                .map(|u| format!("Not verified: {u}\n"))
                .unwrap_or_default(),
        );
        let to = format!("{}@{}", n.recipient, self.config.domain);
        let id = &n.case_id[..n.case_id.len().min(13)];
        Message::builder()
            .from(self.config.from.parse().map_err(|e| format!("from: {e}"))?)
            .to(to.parse().map_err(|e| format!("to: {e}"))?)
            .subject(format!(
                "[Probity] {headline}: {} - {}",
                info.title, n.reference
            ))
            .message_id(Some(format!(
                "<notice-{}-{}.{id}@probity>",
                n.id,
                n.kind.code()
            )))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| e.to_string())
    }

    async fn send(&self, n: &Notice) -> Result<(), String> {
        let message = self.message(n)?;
        match (&self.config.delivery, &self.smtp) {
            (Delivery::Smtp { .. }, Some(smtp)) => {
                smtp.send(message).await.map_err(|e| e.to_string())?;
                Ok(())
            }
            (Delivery::Mailbox(dir), _) => {
                let dir = dir.clone();
                let name = format!("{:08}-{}.eml", n.id, n.kind.code());
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                    std::fs::create_dir_all(&dir)?;
                    let tmp = dir.join(format!(".{name}.tmp"));
                    std::fs::write(&tmp, &bytes)?;
                    // A rename puts the whole file in place or none of it.
                    std::fs::rename(&tmp, dir.join(&name))
                })
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())
            }
            (Delivery::Smtp { .. }, None) => Err("no SMTP transport".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_smtp_address_is_host_and_port_and_nothing_else() {
        assert_eq!(
            Delivery::smtp("smtp://127.0.0.1:2525").unwrap(),
            Delivery::Smtp {
                host: "127.0.0.1".into(),
                port: 2525
            }
        );
        assert_eq!(
            Delivery::smtp("smtp://mail.internal").unwrap(),
            Delivery::Smtp {
                host: "mail.internal".into(),
                port: 25
            }
        );
        for bad in [
            "smtps://mail:465",
            "mail:25",
            "smtp://user:pw@mail:25",
            "smtp://:25",
            "smtp://mail:port",
        ] {
            assert!(Delivery::smtp(bad).is_err(), "{bad}");
        }
    }
}
