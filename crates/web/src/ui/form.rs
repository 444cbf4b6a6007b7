//! What the forms share: errors on their fields (listed in the summary, shown on the field,
//! the refusal's rule and statutory basis in plain words) and the GOV.UK date input.

use probity_app::AppError;

/// One problem with what was typed: the field it concerns, the element the summary links to,
/// and what to do.
pub struct FieldError {
    pub field: String,
    pub target: String,
    pub message: String,
}

/// The problems of one submission, in the order of the form.
#[derive(Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.add_at(field, field, message);
    }

    /// A problem whose link goes to `target` (the first box of a date, say).
    pub fn add_at(&mut self, field: &str, target: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_string(),
            target: target.to_string(),
            message: message.into(),
        });
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn all(&self) -> &[FieldError] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn fields_mut(&mut self) -> impl Iterator<Item = &mut FieldError> {
        self.0.iter_mut()
    }
}

/// Whether an option's value is the one chosen, whatever the strings are held in (templates
/// compare `&str` and `String` alike through this).
pub fn is_chosen<A: AsRef<str> + ?Sized, B: AsRef<str> + ?Sized>(value: &A, chosen: &B) -> bool {
    value.as_ref() == chosen.as_ref()
}

/// A GOV.UK date input: three boxes, kept as typed.
pub struct DateField {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub day: String,
    pub month: String,
    pub year: String,
}

impl DateField {
    /// The same field with nothing typed.
    pub fn clone_empty(&self) -> DateField {
        DateField {
            name: self.name,
            label: self.label,
            hint: self.hint,
            day: String::new(),
            month: String::new(),
            year: String::new(),
        }
    }

    pub fn parts(&self) -> [(&'static str, &'static str, &str, u8); 3] {
        [
            ("day", "Day", &self.day, 2),
            ("month", "Month", &self.month, 2),
            ("year", "Year", &self.year, 4),
        ]
    }

    /// The day typed: `None` when all three boxes are empty; an error on the field when the
    /// day is not a real one (or `required` and empty).
    pub fn value(&self, required: bool, errors: &mut Errors) -> Option<jiff::civil::Date> {
        let parts = [self.day.as_str(), &self.month, &self.year];
        parse_date(self.name, self.label, parts, required, errors)
    }
}

/// A day typed in three boxes (day, month, year): `None` when all are empty; an error on the
/// field `name` when the day is not a real one (or `required` and empty).
pub fn parse_date(
    name: &str,
    label: &str,
    [d, m, y]: [&str; 3],
    required: bool,
    errors: &mut Errors,
) -> Option<jiff::civil::Date> {
    let (d, m, y) = (d.trim(), m.trim(), y.trim());
    let target = format!("{name}-day");
    if d.is_empty() && m.is_empty() && y.is_empty() {
        if required {
            errors.add_at(name, &target, format!("Enter {}", lower(label)));
        }
        return None;
    }
    let real = match (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>()) {
        (Ok(d), Ok(m), Ok(y)) if y >= 1900 => jiff::civil::Date::new(y, m, d).ok(),
        _ => None,
    };
    if real.is_none() {
        errors.add_at(
            name,
            &target,
            format!("{label} must be a real date, like 6 4 2020"),
        );
    }
    real
}

fn lower(label: &str) -> String {
    let mut s = label.to_string();
    if let Some(first) = s.get(..1) {
        let l = first.to_ascii_lowercase();
        s.replace_range(..1, &l);
    }
    s
}

/// What was recorded on a case after `version`, for a form opened before it: each event's
/// words, who and when. The read is audited as any case-file read.
pub async fn changed_since(
    desk: &probity_app::Desk,
    reference: &probity_domain::Reference,
    version: u64,
) -> Result<(u64, Vec<String>), AppError> {
    let file = desk
        .case_file(reference, probity_domain::access::ReadPurpose::CASE_WORK)
        .await?;
    let changed = file
        .events
        .iter()
        .filter(|e| e.version as u64 > version)
        .map(|e| {
            format!(
                "{}, by {}, {}",
                e.description,
                e.actor,
                super::chrome::long_date(e.on)
            )
        })
        .collect();
    Ok((file.version, changed))
}

/// A refusal of the desk as an error on the field it concerns: a statutory rule's refusal
/// says what the rule is and where it comes from, on the field the refusal names (else on
/// `fallback`). Errors that are not the user's to fix are `Err`.
pub fn refusal_on_field(
    error: AppError,
    errors: &mut Errors,
    fallback: &str,
    target_of: impl Fn(&str) -> String,
) -> Result<(), AppError> {
    match error {
        AppError::Refused(r) => {
            let field = r.field.unwrap_or(fallback);
            let mut summary = r.rule.summary().to_string();
            if let Some(first) = summary.get(..1) {
                let upper = first.to_ascii_uppercase();
                summary.replace_range(..1, &upper);
            }
            errors.add_at(
                field,
                &target_of(field),
                format!("{summary}: {} (rule: {}).", r.detail, r.rule.basis()),
            );
            Ok(())
        }
        AppError::BadInput(detail) => {
            errors.add_at(fallback, &target_of(fallback), detail);
            Ok(())
        }
        other => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(d: &str, m: &str, y: &str) -> DateField {
        DateField {
            name: "received_on",
            label: "The day it was received",
            hint: "",
            day: d.into(),
            month: m.into(),
            year: y.into(),
        }
    }

    #[test]
    fn a_date_is_three_boxes_and_a_wrong_one_says_so_on_its_field() {
        let mut e = Errors::default();
        assert_eq!(
            date("6", "4", "2020").value(true, &mut e),
            Some(jiff::civil::date(2020, 4, 6))
        );
        assert!(e.is_empty());
        assert_eq!(date("", "", "").value(false, &mut e), None);
        assert!(e.is_empty());
        assert_eq!(date("", "", "").value(true, &mut e), None);
        assert_eq!(e.get("received_on"), Some("Enter the day it was received"));
        let mut e = Errors::default();
        for (d, m, y) in [("31", "2", "2020"), ("x", "1", "2020"), ("1", "1", "20")] {
            assert_eq!(date(d, m, y).value(true, &mut e), None, "{d} {m} {y}");
        }
        assert_eq!(e.all().len(), 3);
        assert_eq!(e.all()[0].target, "received_on-day");
    }
}
