//! The public search: an embedded tantivy index of the published items, behind the same
//! published-items port as the store. Each server holds its own index, in memory, built from
//! the published read model the first time anyone searches, and kept current from the log: a
//! search that finds the last look more than [`LOOK_EVERY`] old asks the store which cases have
//! events since, and indexes their published rows again (none, once withdrawn). Several
//! servers on one PostgreSQL database each keep their own index this way, with no sync
//! between them. Items, the register and the downloads are read from the store as before
//! ([`Shelf`]): only the search is answered here.
//!
//! Why an index of our own: one ranking (BM25 over title ×10, themes ×4, summary ×1, English
//! stems, accents folded) on both backends, the best twenty found without sorting every
//! match, and the facet counts read from columns rather than grouped in SQL (BENCHMARKS.md).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::civil::Date;
use probity_published::query::PAGE_SIZE;
use probity_published::{
    Count, Facets, ForceName, Hit, Item, Kind, PublishedItems, Register, RegisterQuery, Results,
    Search, Snippet, Unavailable, Window,
};
use probity_store::Tables;
use probity_store::published::{IndexRow, Shelf, lead};
use tantivy::collector::{Collector, Count as CountDocs, SegmentCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, TantivyDocument, Term};

/// How stale the index may be: a search looks for changes when the last look is older.
pub const LOOK_EVERY: Duration = Duration::from_millis(200);
/// The facet of themes shows the forty most frequent, as the store's search does.
const THEMES_SHOWN: usize = 40;
const TOKENIZER: &str = "probity_en";
/// Between a force's code and its name in the facet column.
const UNIT: char = '\u{1f}';

/// The index's fields.
#[derive(Clone, Copy)]
struct Fields {
    case_id: Field,
    reference: Field,
    kind: Field,
    title: Field,
    themes: Field,
    summary: Field,
    force: Field,
    force_facet: Field,
    theme: Field,
    year: Field,
    published_on: Field,
    retained_from: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let fields = Fields {
        case_id: b.add_text_field("case_id", STRING),
        reference: b.add_text_field("reference", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        title: b.add_text_field("title", text(true)),
        themes: b.add_text_field("themes", text(false)),
        summary: b.add_text_field("summary", text(true)),
        force: b.add_text_field("force", STRING | STORED),
        force_facet: b.add_text_field("force_facet", STRING | FAST | STORED),
        theme: b.add_text_field("theme", STRING | FAST | STORED),
        year: b.add_u64_field("year", INDEXED | FAST),
        published_on: b.add_i64_field("published_on", INDEXED | FAST | STORED),
        retained_from: b.add_i64_field("retained_from", INDEXED | FAST),
    };
    (b.build(), fields)
}

/// Words as the index keeps them: split on what is not a letter or digit, lower case, accents
/// folded, English stems (what SQLite's `porter unicode61 remove_diacritics` does).
fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(41))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

fn day_number(d: Date) -> i64 {
    i64::from(
        d.since(Date::constant(1970, 1, 1))
            .map(|s| s.get_days())
            .unwrap_or(0),
    )
}

fn number_day(n: i64) -> Date {
    Date::constant(1970, 1, 1)
        .checked_add(jiff::Span::new().days(n))
        .unwrap_or(Date::constant(1970, 1, 1))
}

fn broken(e: impl std::fmt::Display) -> Unavailable {
    Unavailable(format!("the search index: {e}"))
}

/// The index of one server, with what it was built to.
struct Built {
    index: Index,
    reader: IndexReader,
    writer: tokio::sync::Mutex<IndexWriter>,
    /// The log position the index has caught up with, and when it last looked.
    seen: Mutex<(i64, Instant)>,
}

/// The published-items port with its search answered by the index.
pub struct Indexed<T: ?Sized> {
    shelf: Shelf<T>,
    look_every: Duration,
    fields: Fields,
    schema: Schema,
    built: tokio::sync::OnceCell<Built>,
}

impl<T: ?Sized> std::fmt::Debug for Indexed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexed")
            .field("built", &self.built.initialized())
            .finish_non_exhaustive()
    }
}

impl<T: Tables + ?Sized + 'static> Indexed<T> {
    pub fn new(tables: Arc<T>) -> Indexed<T> {
        let (schema, fields) = schema();
        Indexed {
            shelf: Shelf::new(tables),
            look_every: LOOK_EVERY,
            fields,
            schema,
            built: tokio::sync::OnceCell::new(),
        }
    }

    /// Looks for changes at every search when zero (tests that change and search at once).
    pub fn looking_every(mut self, every: Duration) -> Indexed<T> {
        self.look_every = every;
        self
    }

    /// The index, built on first use from every published row.
    async fn built(&self) -> Result<&Built, Unavailable> {
        self.built.get_or_try_init(|| self.build()).await
    }

    async fn build(&self) -> Result<Built, Unavailable> {
        let started = Instant::now();
        let index = Index::create_in_ram(self.schema.clone());
        index.tokenizers().register(TOKENIZER, analyzer());
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, 64_000_000)
            .map_err(broken)?;
        // The position first: a change made while the rows are read is read again later.
        let position = self.shelf.log_position().await?;
        let (mut after, mut count) = (None::<String>, 0usize);
        loop {
            let rows = self.shelf.index_rows(after.as_deref(), 2_000).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.case_id.clone());
            count += rows.len();
            for row in &rows {
                writer.add_document(self.document(row)).map_err(broken)?;
            }
        }
        writer.commit().map_err(broken)?;
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(broken)?;
        tracing::info!(
            items = count,
            ms = started.elapsed().as_millis() as u64,
            "public search index built"
        );
        Ok(Built {
            index,
            reader,
            writer: tokio::sync::Mutex::new(writer),
            seen: Mutex::new((position, Instant::now())),
        })
    }

    fn document(&self, row: &IndexRow) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::new();
        d.add_text(f.case_id, &row.case_id);
        d.add_text(f.reference, &row.reference);
        d.add_text(f.kind, row.kind.code());
        d.add_text(f.title, &row.title);
        d.add_text(f.themes, row.themes.join("\n"));
        d.add_text(f.summary, &row.summary);
        d.add_text(f.force, &row.force.code);
        d.add_text(
            f.force_facet,
            format!("{}{UNIT}{}", row.force.code, row.force.name),
        );
        for t in &row.themes {
            d.add_text(f.theme, t);
        }
        d.add_u64(f.year, u64::try_from(row.published_on.year()).unwrap_or(0));
        d.add_i64(f.published_on, day_number(row.published_on));
        d.add_i64(f.retained_from, day_number(row.retained_from));
        d
    }

    /// Indexes again the cases changed since the last look, when it is old enough and no other
    /// search is doing it.
    async fn catch_up(&self, built: &Built) -> Result<(), Unavailable> {
        let since = {
            let seen = built.seen.lock().expect("never poisoned");
            if seen.1.elapsed() < self.look_every && !self.look_every.is_zero() {
                return Ok(());
            }
            seen.0
        };
        let Ok(mut writer) = built.writer.try_lock() else {
            return Ok(());
        };
        let (last, cases) = self.shelf.changed_since(since).await?;
        if !cases.is_empty() {
            let rows = self.shelf.index_rows_of(&cases).await?;
            for id in &cases {
                writer.delete_term(Term::from_field_text(self.fields.case_id, id));
            }
            for row in &rows {
                writer.add_document(self.document(row)).map_err(broken)?;
            }
            writer.commit().map_err(broken)?;
            built.reader.reload().map_err(broken)?;
        }
        *built.seen.lock().expect("never poisoned") = (last, Instant::now());
        Ok(())
    }

    /// The query: every word in the title, themes or summary (weighted 10, 4, 1), the filters,
    /// and the window.
    fn query(&self, index: &Index, search: &Search, window: Window) -> Box<dyn Query> {
        let f = &self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut analyzer = index.tokenizers().get(TOKENIZER).unwrap_or_else(analyzer);
        for word in &search.terms {
            let mut stream = analyzer.token_stream(word);
            while let Some(token) = stream.next() {
                let term = |field| {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &token.text),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>
                };
                let any: Vec<(Occur, Box<dyn Query>)> = vec![
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(term(f.title), 10.0)),
                    ),
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(term(f.themes), 4.0)),
                    ),
                    (Occur::Should, term(f.summary)),
                ];
                must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            }
        }
        let exact = |field, value: &str| {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>
        };
        if let Some(force) = &search.force {
            must.push((Occur::Must, exact(f.force, force)));
        }
        if let Some(kind) = search.kind {
            must.push((Occur::Must, exact(f.kind, kind.code())));
        }
        if let Some(theme) = &search.theme {
            must.push((Occur::Must, exact(f.theme, theme)));
        }
        if let Some(year) = search.year {
            let year = u64::try_from(year).unwrap_or(0);
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.year, year),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        use std::ops::Bound::{Excluded, Included, Unbounded};
        must.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Excluded(Term::from_field_i64(
                    f.retained_from,
                    day_number(window.since),
                )),
                Unbounded,
            )),
        ));
        must.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Unbounded,
                Included(Term::from_field_i64(
                    f.published_on,
                    day_number(window.today),
                )),
            )),
        ));
        Box::new(BooleanQuery::new(must))
    }

    fn answer(
        &self,
        built: &Built,
        search: &Search,
        window: Window,
    ) -> Result<Results, Unavailable> {
        let searcher = built.reader.searcher();
        let query = self.query(&built.index, search, window);
        let words = !search.terms.is_empty();
        let top = TopDocs::with_limit(PAGE_SIZE as usize).and_offset(search.offset() as usize);
        let facets = FacetCounts;
        let (addresses, total, counted): (Vec<DocAddress>, usize, Counted) =
            if words && !search.newest {
                let (top, total, counted) = searcher
                    .search(&query, &(top.order_by_score(), CountDocs, facets))
                    .map_err(broken)?;
                (top.into_iter().map(|(_, a)| a).collect(), total, counted)
            } else {
                // Newest first: the day, then the reference, as the store orders them.
                let newest = top.order_by_fast_field::<i64>("published_on", Order::Desc);
                let (top, total, counted) = searcher
                    .search(&query, &(newest, CountDocs, facets))
                    .map_err(broken)?;
                (top.into_iter().map(|(_, a)| a).collect(), total, counted)
            };
        let snippets = if words {
            let mut g = SnippetGenerator::create(&searcher, &*query, self.fields.summary)
                .map_err(broken)?;
            g.set_max_num_chars(300);
            Some(g)
        } else {
            None
        };
        let f = &self.fields;
        let mut hits = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address).map_err(broken)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let summary = text(f.summary);
            let snippet = match &snippets {
                // Matched in the title or themes alone: the start of the summary.
                Some(g) => match g.snippet(&summary) {
                    s if s.fragment().is_empty() => lead(&summary),
                    s => snippet(&s, summary.len()),
                },
                None => lead(&summary),
            };
            let (code, name) = text(f.force_facet)
                .split_once(UNIT)
                .map(|(c, n)| (c.to_string(), n.to_string()))
                .unwrap_or_default();
            let published_on = doc
                .get_first(f.published_on)
                .and_then(|v| v.as_i64())
                .map(number_day)
                .ok_or_else(|| broken("an item without its day"))?;
            hits.push(Hit {
                reference: text(f.reference),
                kind: Kind::parse(&text(f.kind)).ok_or_else(|| broken("an unknown kind"))?,
                title: text(f.title),
                force: ForceName { code, name },
                themes: doc
                    .get_all(f.theme)
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                published_on,
                snippet,
            });
        }
        Ok(Results {
            hits,
            total: total as u64,
            facets: counted.facets(),
        })
    }
}

/// A tantivy snippet as the port's: character ranges of the fragment, with an ellipsis where
/// the summary goes on before or after it (`of` is the summary's length in bytes).
fn snippet(s: &tantivy::snippet::Snippet, of: usize) -> Snippet {
    let text = s.fragment();
    let chars = |byte: usize| text[..byte.min(text.len())].chars().count();
    let mut marks: Vec<probity_published::Mark> = s
        .highlighted()
        .iter()
        .map(|r| probity_published::Mark {
            start: chars(r.start),
            end: chars(r.end),
        })
        .collect();
    marks.sort_by_key(|m| m.start);
    let mut text = text.to_string();
    if s.fragment_range().start > 0 {
        text.insert(0, '…');
        for m in &mut marks {
            m.start += 1;
            m.end += 1;
        }
    }
    if s.fragment_range().end < of && !text.is_empty() {
        text.push('…');
    }
    Snippet { text, marks }
}

/// Counts of the matching items by kind, force, theme and year, read from the columns of
/// those names in [`schema`].
#[derive(Clone, Copy)]
struct FacetCounts;

/// Counts by the value shown.
#[derive(Default)]
struct Counted {
    kind: HashMap<String, u64>,
    force: HashMap<String, u64>,
    theme: HashMap<String, u64>,
    year: BTreeMap<u64, u64>,
}

impl Counted {
    fn facets(self) -> Facets {
        let mut facets = Facets::default();
        let mut kinds: Vec<(String, u64)> = self.kind.into_iter().collect();
        kinds.sort();
        for (code, count) in kinds {
            if let Some(k) = Kind::parse(&code) {
                facets.kind.push(Count {
                    value: code,
                    label: k.label().to_string(),
                    count,
                });
            }
        }
        let mut forces: Vec<(String, String, u64)> = self
            .force
            .into_iter()
            .filter_map(|(f, n)| {
                let (code, name) = f.split_once(UNIT)?;
                Some((code.to_string(), name.to_string(), n))
            })
            .collect();
        forces.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        facets.force = forces
            .into_iter()
            .map(|(value, label, count)| Count {
                value,
                label,
                count,
            })
            .collect();
        let mut themes: Vec<(String, u64)> = self.theme.into_iter().collect();
        themes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        themes.truncate(THEMES_SHOWN);
        facets.theme = themes
            .into_iter()
            .map(|(t, count)| Count {
                value: t.clone(),
                label: t,
                count,
            })
            .collect();
        facets.year = self
            .year
            .into_iter()
            .rev()
            .map(|(y, count)| Count {
                value: y.to_string(),
                label: y.to_string(),
                count,
            })
            .collect();
        facets
    }
}

struct SegmentCounts {
    kind: Option<tantivy::columnar::StrColumn>,
    force: Option<tantivy::columnar::StrColumn>,
    theme: Option<tantivy::columnar::StrColumn>,
    year: tantivy::columnar::Column<u64>,
    by_kind: Vec<u64>,
    by_force: Vec<u64>,
    by_theme: Vec<u64>,
    by_year: BTreeMap<u64, u64>,
}

impl Collector for FacetCounts {
    type Fruit = Counted;
    type Child = SegmentCounts;

    fn for_segment(
        &self,
        _segment: tantivy::SegmentOrdinal,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentCounts> {
        let ff = reader.fast_fields();
        let (kind, force, theme) = (ff.str("kind")?, ff.str("force_facet")?, ff.str("theme")?);
        let size =
            |c: &Option<tantivy::columnar::StrColumn>| c.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentCounts {
            by_kind: vec![0; size(&kind)],
            by_force: vec![0; size(&force)],
            by_theme: vec![0; size(&theme)],
            kind,
            force,
            theme,
            year: ff.u64("year")?,
            by_year: BTreeMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counted>) -> tantivy::Result<Counted> {
        let mut all = Counted::default();
        for f in fruits {
            for (k, n) in f.kind {
                *all.kind.entry(k).or_default() += n;
            }
            for (k, n) in f.force {
                *all.force.entry(k).or_default() += n;
            }
            for (k, n) in f.theme {
                *all.theme.entry(k).or_default() += n;
            }
            for (k, n) in f.year {
                *all.year.entry(k).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentCounts {
    type Fruit = Counted;

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        let count = |column: &Option<tantivy::columnar::StrColumn>, counts: &mut [u64]| {
            if let Some(c) = column {
                for ord in c.term_ords(doc) {
                    if let Some(n) = counts.get_mut(ord as usize) {
                        *n += 1;
                    }
                }
            }
        };
        count(&self.kind, &mut self.by_kind);
        count(&self.force, &mut self.by_force);
        count(&self.theme, &mut self.by_theme);
        if let Some(y) = self.year.first(doc) {
            *self.by_year.entry(y).or_default() += 1;
        }
    }

    fn harvest(self) -> Counted {
        let named = |column: &Option<tantivy::columnar::StrColumn>, counts: Vec<u64>| {
            let mut out = HashMap::new();
            let Some(c) = column else { return out };
            let mut s = String::new();
            for (ord, n) in counts.into_iter().enumerate() {
                if n > 0 && c.ord_to_str(ord as u64, &mut s).unwrap_or(false) {
                    out.insert(s.clone(), n);
                }
            }
            out
        };
        Counted {
            kind: named(&self.kind, self.by_kind),
            force: named(&self.force, self.by_force),
            theme: named(&self.theme, self.by_theme),
            year: self.by_year,
        }
    }
}

#[async_trait::async_trait]
impl<T: Tables + ?Sized + 'static> PublishedItems for Indexed<T> {
    async fn search(&self, search: &Search, window: Window) -> Result<Results, Unavailable> {
        let built = self.built().await?;
        if let Err(e) = self.catch_up(built).await {
            // A store that cannot be asked now: answer from the index as it stands.
            tracing::warn!(error = %e.0, "the public search index could not catch up");
        }
        self.answer(built, search, window)
    }

    async fn item(&self, reference: &str, window: Window) -> Result<Option<Item>, Unavailable> {
        self.shelf.item(reference, window).await
    }

    async fn register(&self, q: &RegisterQuery, window: Window) -> Result<Register, Unavailable> {
        self.shelf.register(q, window).await
    }

    async fn everything(
        &self,
        after: Option<&str>,
        limit: u32,
        window: Window,
    ) -> Result<Vec<Item>, Unavailable> {
        self.shelf.everything(after, limit, window).await
    }
}
