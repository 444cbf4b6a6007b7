//! Read models declared once: a read model is a typed row struct, the table it is stored in, and
//! a function from a case to its rows (`projection.rs`). Both backends write, rebuild and read
//! every model with the same generic code, from the table's name and columns; adding a model is
//! its declaration, its entry in [`READ_MODELS`](crate::projection::READ_MODELS) and its pair of
//! migrations.

use jiff::civil::Date;
use probity_domain::Body;
use probity_domain::category::CategoryCode;
use probity_domain::clock::ClockName;
use probity_domain::conduct::CaseToAnswer;
use probity_domain::force::Force;
use probity_domain::matter::MatterKind;
use probity_domain::party::SubjectKind;
use probity_domain::referral::InvestigationMode;
use probity_domain::{AllegationId, Case, CaseId, PartyId, Reference, Status};

use crate::StoreError;

/// A column's type, the same on both backends (`INTEGER`/`BIGINT`, `TEXT`, `INTEGER`/`BOOLEAN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Int,
    Text,
    Bool,
    /// `BLOB` / `BYTEA`.
    Bytes,
}

/// A value in a read-model row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Bytes(Vec<u8>),
}

/// One row, its values in the table's column order.
pub type Row = Vec<Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
    pub nullable: bool,
}

/// A read-model table. Its first column is always `case_id`: a case's rows are replaced whole.
#[derive(Debug, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [Column],
    /// At most one row per case, keyed by `case_id`: its row is updated in place (an upsert),
    /// not deleted and inserted again. Every append changes such a row (`cases` holds the
    /// version), and an update that leaves the indexed columns alone touches no index.
    pub one_per_case: bool,
}

impl Table {
    /// The column list, `a, b, c`, each prefixed with `alias.` when one is given.
    pub fn column_list(&self, alias: Option<&str>) -> String {
        self.columns
            .iter()
            .map(|c| match alias {
                Some(a) => format!("{a}.{}", c.name),
                None => c.name.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn types(&self) -> Vec<ColumnType> {
        self.columns.iter().map(|c| c.ty).collect()
    }
}

/// A Rust type stored in one column.
pub trait ColumnValue: Sized {
    const TYPE: ColumnType;
    const NULLABLE: bool = false;
    fn to_value(&self) -> Value;
    /// The error says what was found instead.
    fn from_value(value: Value) -> Result<Self, String>;
}

fn wrong(value: &Value, wanted: &str) -> String {
    format!("{value:?} is not {wanted}")
}

impl ColumnValue for i64 {
    const TYPE: ColumnType = ColumnType::Int;
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Int(i) => Ok(i),
            other => Err(wrong(&other, "an integer")),
        }
    }
}

impl ColumnValue for u64 {
    const TYPE: ColumnType = ColumnType::Int;
    fn to_value(&self) -> Value {
        Value::Int(*self as i64)
    }
    fn from_value(value: Value) -> Result<Self, String> {
        let i = i64::from_value(value)?;
        u64::try_from(i).map_err(|_| format!("{i} is negative"))
    }
}

impl ColumnValue for bool {
    const TYPE: ColumnType = ColumnType::Bool;
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Bool(b) => Ok(b),
            // SQLite keeps booleans as 0 and 1.
            Value::Int(0) => Ok(false),
            Value::Int(1) => Ok(true),
            other => Err(wrong(&other, "a boolean")),
        }
    }
}

impl ColumnValue for String {
    const TYPE: ColumnType = ColumnType::Text;
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Text(s) => Ok(s),
            other => Err(wrong(&other, "text")),
        }
    }
}

impl<T: ColumnValue> ColumnValue for Option<T> {
    const TYPE: ColumnType = T::TYPE;
    const NULLABLE: bool = true;
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// Types stored as their text form, read back with `parse`.
macro_rules! text_columns {
    ($( $ty:ty => |$v:ident| $to:expr, |$s:ident| $from:expr; )*) => {
        $( impl ColumnValue for $ty {
            const TYPE: ColumnType = ColumnType::Text;
            fn to_value(&self) -> Value {
                let $v = self;
                Value::Text($to)
            }
            fn from_value(value: Value) -> Result<Self, String> {
                let $s = String::from_value(value)?;
                $from
            }
        } )*
    };
}

/// Types stored as their JSON name (`under_investigation`).
fn by_code<T: serde::de::DeserializeOwned>(s: String) -> Result<T, String> {
    probity_domain::from_code(&s).ok_or_else(|| format!("'{s}' is not a known code"))
}

text_columns! {
    CaseId => |v| v.to_string(), |s| CaseId::parse(&s).ok_or(format!("'{s}' is not a case id"));
    Reference => |v| v.to_string(), |s| Reference::parse(&s).map_err(|e| e.to_string());
    Force => |v| v.code().to_string(), |s| Force::parse(&s).map_err(|e| e.to_string());
    CategoryCode => |v| v.code().to_string(), |s| CategoryCode::parse(&s).map_err(|e| e.to_string());
    Date => |v| v.to_string(), |s| s.parse::<Date>().map_err(|e| format!("'{s}': {e}"));
    Status => |v| v.code().to_string(), |s| by_code(s);
    MatterKind => |v| v.code().to_string(), |s| by_code(s);
    InvestigationMode => |v| probity_domain::code_of(v), |s| by_code(s);
    SubjectKind => |v| probity_domain::code_of(v), |s| by_code(s);
    CaseToAnswer => |v| probity_domain::code_of(v), |s| by_code(s);
    Body => |v| probity_domain::code_of(v), |s| by_code(s);
    ClockName => |v| v.code().to_string(), |s| ClockName::parse(&s).ok_or(format!("'{s}' is not a clock"));
}

/// Local ids are stored as their number.
macro_rules! id_columns {
    ($($ty:ident),*) => {
        $( impl ColumnValue for $ty {
            const TYPE: ColumnType = ColumnType::Int;
            fn to_value(&self) -> Value {
                Value::Int(i64::from(self.0))
            }
            fn from_value(value: Value) -> Result<Self, String> {
                let i = i64::from_value(value)?;
                u32::try_from(i).map($ty).map_err(|_| format!("{i} is not an id"))
            }
        } )*
    };
}

id_columns!(PartyId, AllegationId);

/// A row struct of a read model: its table, and its conversion to and from a [`Row`].
pub trait Rows: Sized {
    const TABLE: Table;
    fn to_row(&self) -> Row;
    fn from_row(row: Row) -> Result<Self, StoreError>;
}

/// A read model: its rows derived from a case.
pub trait Derive: Rows {
    /// The rows of one case. A case's rows are written again whenever they differ from what
    /// they were before an append, so no list of the events that change them is kept.
    fn derive(case_id: CaseId, case: &Case) -> Vec<Self>;
}

/// A read model as the backends see it: a table and the rows a case gives it.
#[derive(Debug)]
pub struct ReadModel {
    pub table: &'static Table,
    pub rows: fn(CaseId, &Case) -> Vec<Row>,
}

/// The rows of model `M` for a case, as the backends write them.
pub fn rows_of<M: Derive>(case_id: CaseId, case: &Case) -> Vec<Row> {
    M::derive(case_id, case).iter().map(Rows::to_row).collect()
}

/// One case's rows in one read model, to write in place of those it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    pub table: &'static Table,
    pub case_id: CaseId,
    pub rows: Vec<Row>,
}

/// Declares a read model's row struct and its table: the columns are the fields, in order, and
/// the first is `case_id`. `in "cases", one row per case` declares a table keyed by the case.
macro_rules! read_model {
    ($(#[$meta:meta])* pub struct $name:ident in $table:literal, one row per case $body:tt) => {
        $crate::read_model::read_model!(@declare true; $(#[$meta])* pub struct $name in $table $body);
    };
    ($(#[$meta:meta])* pub struct $name:ident in $table:literal $body:tt) => {
        $crate::read_model::read_model!(@declare false; $(#[$meta])* pub struct $name in $table $body);
    };
    (@declare $one:literal; $(#[$meta:meta])* pub struct $name:ident in $table:literal {
        $( $(#[$fmeta:meta])* pub $field:ident: $ty:ty, )*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name { $( $(#[$fmeta])* pub $field: $ty, )* }

        impl $crate::read_model::Rows for $name {
            const TABLE: $crate::read_model::Table = $crate::read_model::Table {
                name: $table,
                columns: &[ $( $crate::read_model::Column {
                    name: stringify!($field),
                    ty: <$ty as $crate::read_model::ColumnValue>::TYPE,
                    nullable: <$ty as $crate::read_model::ColumnValue>::NULLABLE,
                }, )* ],
                one_per_case: $one,
            };

            fn to_row(&self) -> $crate::read_model::Row {
                vec![ $( $crate::read_model::ColumnValue::to_value(&self.$field), )* ]
            }

            fn from_row(row: $crate::read_model::Row) -> Result<Self, $crate::StoreError> {
                let mut values = row.into_iter();
                Ok($name { $(
                    $field: $crate::read_model::ColumnValue::from_value(
                        values.next().unwrap_or($crate::read_model::Value::Null),
                    )
                    .map_err(|e| $crate::StoreError::Corrupt(format!(
                        "{}.{}: {e}", $table, stringify!($field)
                    )))?,
                )* })
            }
        }
    };
}

pub(crate) use read_model;
