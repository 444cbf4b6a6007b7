//! The port as the portal uses it: at most a few store reads at once (a flood of searches waits
//! its turn briefly, then is told to come back, and never piles up work in the store), and the
//! last minute's search results kept, since the same few searches (the latest items above all)
//! are asked again and again and change only when something is approved or withdrawn.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use probity_published::{
    Item, PublishedItems, Register, RegisterQuery, Results, Search, Unavailable, Window,
};
use tokio::sync::Semaphore;

/// Store reads at once.
const SLOTS: usize = 4;
/// How long a request waits for a slot before it is told the portal is busy.
const WAIT: Duration = Duration::from_secs(3);
/// How long a search's results are kept.
const KEEP: Duration = Duration::from_secs(60);
/// Searches kept at most (all are forgotten when it is reached).
const KEPT: usize = 512;

pub(crate) const BUSY: &str = "busy";

pub(crate) struct Bounded {
    inner: Arc<dyn PublishedItems>,
    slots: Semaphore,
    kept: Mutex<HashMap<String, (Instant, Results)>>,
}

impl Bounded {
    pub(crate) fn new(inner: Arc<dyn PublishedItems>) -> Bounded {
        Bounded {
            inner,
            slots: Semaphore::new(SLOTS),
            kept: Mutex::new(HashMap::new()),
        }
    }

    async fn slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, Unavailable> {
        match tokio::time::timeout(WAIT, self.slots.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Unavailable(BUSY.into())),
        }
    }
}

#[async_trait::async_trait]
impl PublishedItems for Bounded {
    async fn search(&self, search: &Search, window: Window) -> Result<Results, Unavailable> {
        let key = format!("{search:?}{window:?}");
        if let Some((at, results)) = self.kept.lock().expect("the kept searches").get(&key)
            && at.elapsed() < KEEP
        {
            return Ok(results.clone());
        }
        let results = {
            let _slot = self.slot().await?;
            self.inner.search(search, window).await?
        };
        let mut kept = self.kept.lock().expect("the kept searches");
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(key, (Instant::now(), results.clone()));
        Ok(results)
    }

    async fn item(&self, reference: &str, window: Window) -> Result<Option<Item>, Unavailable> {
        let _slot = self.slot().await?;
        self.inner.item(reference, window).await
    }

    async fn register(
        &self,
        query: &RegisterQuery,
        window: Window,
    ) -> Result<Register, Unavailable> {
        let _slot = self.slot().await?;
        self.inner.register(query, window).await
    }

    async fn everything(
        &self,
        after: Option<&str>,
        limit: u32,
        window: Window,
    ) -> Result<Vec<Item>, Unavailable> {
        let _slot = self.slot().await?;
        self.inner.everything(after, limit, window).await
    }
}
