//! What the importers' tests share: a store on each backend (PostgreSQL when TEST_PG_URL is
//! set, in a schema of its own) and the desks that load and count.

use probity_app::{Console, Office};
use probity_domain::access::StaffRole;

pub struct Backend {
    pub name: &'static str,
    pub office: Office,
    _dir: Option<tempfile::TempDir>,
}

pub async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Office::open(&format!("sqlite:{}", dir.path().join("i.db").display()))
        .await
        .unwrap();
    let mut out = vec![Backend {
        name: "sqlite",
        office: sqlite,
        _dir: Some(dir),
    }];
    match std::env::var("TEST_PG_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    {
        Some(url) => {
            let schema = format!(
                "t_{}",
                probity_domain::hex::encode(&probity_app::fresh_salt()[..6])
            );
            out.push(Backend {
                name: "postgres",
                office: Office::open_in_schema(&url, &schema).await.unwrap(),
                _dir: None,
            });
        }
        None => eprintln!("skipped on PostgreSQL: set TEST_PG_URL to run this test there too"),
    }
    out
}

pub async fn admin(office: &Office) -> probity_app::Desk {
    office
        .console(Console {
            actor: "test.admin".into(),
            role: Some(StaffRole::Administrator),
            ..Console::default()
        })
        .await
        .unwrap()
}

#[allow(dead_code, reason = "not every test file counts")]
pub async fn analyst(office: &Office) -> probity_app::Desk {
    office
        .console(Console {
            actor: "test.analyst".into(),
            role: Some(StaffRole::Analyst),
            ..Console::default()
        })
        .await
        .unwrap()
}
