//! A letter ready to read, print or send: the letter the case makes (`probity_domain::letter`)
//! with the addressee's own name and address, and nothing of anyone else's.

use probity_domain::letter::{Addressee, Letter};
use probity_domain::{Command, code_of};
use serde::Serialize;

/// The name and address a letter is sent to; `None` for a report to bodies.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recipient {
    pub name: String,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreparedLetter {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub letter: Letter,
    /// What `send_letter` is given to send this letter and no other.
    pub digest: String,
    pub recipient: Option<Recipient>,
    /// The version of the case it was made from.
    pub version: u64,
    /// The command that sends it, as the API takes it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub send: Command,
    /// For a letter already sent: when.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub sent_on: Option<jiff::civil::Date>,
}

impl PreparedLetter {
    /// Who it is to, as the letter's head says it.
    pub fn to_line(&self) -> String {
        match (&self.letter.to, &self.recipient) {
            (Addressee::Party(_), Some(r)) => r.name.clone(),
            (Addressee::Party(p), None) => format!("{p} (personal data erased)"),
            (Addressee::Bodies(bodies), _) => bodies
                .iter()
                .map(|b| format!("The {}", code_of(b).replace('_', " ")))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }

    /// The letter as plain text, for a terminal or a plain-text e-mail.
    pub fn text(&self) -> String {
        let l = &self.letter;
        let mut out = format!(
            "{}\nReference {}\nDated {}\nTo {}\n",
            l.title,
            l.reference,
            l.dated,
            self.to_line()
        );
        if let Some(address) = self.recipient.as_ref().and_then(|r| r.address.as_ref()) {
            out.push_str(&format!("   {address}\n"));
        }
        for s in &l.sections {
            out.push_str(&format!("\n{}\n", s.heading));
            for p in &s.paragraphs {
                out.push_str(&format!("  {p}\n"));
            }
        }
        if !l.missing.is_empty() {
            out.push_str(&format!(
                "\nNot ready to send: write the {}.\n",
                l.missing.join(", ")
            ));
        }
        out.push_str(&format!("\nDigest {}\n", self.digest));
        out
    }
}
