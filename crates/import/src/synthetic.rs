//! A national-scale synthetic caseload, for measuring the statistics at the size of England and
//! Wales (about a million cases and 1.7 million allegations over ten years): `probity import
//! synthetic --cases N`. Imported cases of the source `synthetic` (`SYN-{n}`), one of the 43
//! forces each, received 2015–2024, with one to four allegations against officers drawn from
//! each force's pool (a few officers gather many: the subject figures have a tail to count),
//! findings, sanctions and recorded characteristics in plausible shares. Codes only: no name,
//! no narrative, nothing of anyone. The same seed gives the same cases, so a re-run adds nothing.

use probity_domain::Reference;
use probity_domain::category::{CategoryCode, SUBCATEGORIES};
use probity_domain::force::Force;
use probity_domain::imported::{
    AgeBand, Characteristics, Disposition, Ethnicity, ImportedAllegation, ImportedCase,
    ImportedSubject, Sex, SourceDate,
};

use probity_domain::scenario::Rng;

use crate::{Read, Row};

pub const SOURCE: &str = "synthetic";
/// Officers in each force's pool.
const POOL: f64 = 3_000.0;

fn traits(rng: &mut Rng) -> Characteristics {
    let ethnicity = rng.weighted(&[
        (Some(Ethnicity::White), 78),
        (Some(Ethnicity::Asian), 9),
        (Some(Ethnicity::Black), 5),
        (Some(Ethnicity::Mixed), 3),
        (Some(Ethnicity::Other), 2),
        (None, 3),
    ]);
    Characteristics {
        ethnicity,
        source_ethnicity: None,
        sex: rng.weighted(&[(Some(Sex::Male), 55), (Some(Sex::Female), 43), (None, 2)]),
        age_band: AgeBand::of(18 + rng.below(55) as i64),
    }
}

/// Cases `first..first + count` of the caseload `seed` makes.
pub fn read(seed: u64, first: u64, count: u64) -> Read {
    let forces: Vec<Force> = Force::all().collect();
    let categories: Vec<CategoryCode> = SUBCATEGORIES
        .iter()
        .filter_map(|s| CategoryCode::parse(s.code).ok())
        .collect();
    let start = jiff::civil::date(2015, 1, 1);
    let digest = crate::digest(format!("synthetic {seed}").as_bytes());
    let rows = (first..first + count)
        .map(|n| {
            let mut rng = Rng(seed ^ n.wrapping_mul(0xD6E8_FEB8_6659_FD93));
            let force = forces[rng.below(forces.len())];
            let received = start
                .checked_add(jiff::Span::new().days(rng.below(3_650) as i64))
                .expect("within ten years");
            let closed = (rng.below(10) > 0).then(|| {
                let days = 20 + (rng.unit().powi(2) * 490.0) as i64;
                SourceDate::day(
                    received
                        .checked_add(jiff::Span::new().days(days))
                        .expect("a day"),
                )
            });
            let allegations = rng.weighted(&[(1u32, 55), (2, 25), (3, 13), (4, 7)]);
            let officers = 1 + u32::from(allegations > 1 && rng.below(3) == 0);
            // A skewed draw: a few officers of each force gather many allegations.
            let subjects: Vec<ImportedSubject> = (0..officers)
                .map(|_| ImportedSubject {
                    key: format!("{}-{}", force.code(), (rng.unit().powi(3) * POOL) as u64),
                    rank: None,
                    characteristics: traits(&mut rng),
                })
                .fold(Vec::new(), |mut all, s| {
                    if !all.iter().any(|x: &ImportedSubject| x.key == s.key) {
                        all.push(s);
                    }
                    all
                });
            let complainant = traits(&mut rng);
            let allegations = (0..allegations)
                .map(|i| {
                    let investigated = rng.below(4) == 0;
                    let finding = if closed.is_none() {
                        Disposition::Pending
                    } else if investigated {
                        rng.weighted(&[
                            (Disposition::Substantiated, 15),
                            (Disposition::NotSubstantiated, 60),
                            (Disposition::Exonerated, 10),
                            (Disposition::Unfounded, 15),
                        ])
                    } else {
                        rng.weighted(&[
                            (Disposition::NoFinding, 70),
                            (Disposition::NotRecorded, 30),
                        ])
                    };
                    let category = categories[rng.below(categories.len())];
                    ImportedAllegation {
                        line: n,
                        subject: Some(i % subjects.len() as u32),
                        complainant: Some(0),
                        category: Some(category),
                        source_category: category.code().to_string(),
                        source_subcategory: None,
                        investigated: closed.map(|_| investigated),
                        recommended_finding: None,
                        finding,
                        source_finding: None,
                        action: None,
                        sanctioned: (finding == Disposition::Substantiated)
                            .then(|| rng.below(5) < 2),
                    }
                })
                .collect();
            let key = n.to_string();
            Row::record(
                SOURCE,
                Reference::parse(&format!("SYN-{n}")).expect("digits make a reference"),
                key,
                &digest,
                n,
                ImportedCase {
                    body: force.code().to_string(),
                    area: None,
                    received: SourceDate::day(received),
                    closed,
                    subjects,
                    complainants: vec![complainant],
                    allegations,
                    notes: Vec::new(),
                },
            )
        })
        .collect();
    Read {
        digest,
        lines: count as usize,
        rows,
        rejected: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use probity_domain::command::Command;

    fn allegations(read: &Read) -> usize {
        read.rows
            .iter()
            .map(|r| match &r.command {
                Command::ImportRecord(c) => c.record.allegations.len(),
                _ => 0,
            })
            .sum()
    }

    #[test]
    fn the_caseload_is_the_same_for_the_same_seed_and_national_in_its_shape() {
        let a = read(7, 0, 20_000);
        let b = read(7, 10_000, 10_000);
        assert_eq!(
            serde_json::to_string(&a.rows[10_000].command).unwrap(),
            serde_json::to_string(&b.rows[0].command).unwrap(),
            "a chunk is the same cases as the whole"
        );
        assert_eq!(a.rows[0].reference.as_str(), "SYN-0");
        // About 1.7 allegations a case, as England and Wales records.
        let per_case = allegations(&a) as f64 / 20_000.0;
        assert!((1.6..1.8).contains(&per_case), "{per_case}");
        assert_ne!(
            serde_json::to_string(&read(8, 0, 1).rows[0].command).unwrap(),
            serde_json::to_string(&a.rows[0].command).unwrap()
        );
    }
}
