//! The seam between the store's SQL and the two databases it runs on.
//!
//! Statements are written once, with `$N` placeholders (both PostgreSQL and sqlx's SQLite
//! driver read them) and only SQL both dialects share (`ON CONFLICT`, `RETURNING`,
//! `UPDATE … FROM (VALUES …)`). What differs — row locks, how a write transaction begins,
//! the per-id advisory lock, anonymous placeholders in long multi-row statements — is a
//! constant of [`Dialect`]. A statement is a plain value ([`Sql`]: text and arguments) and an
//! answer a plain [`Row`] of [`Value`]s, so the generic code never names a driver type and
//! each dialect converts in one place ([`Dialect::run`]).

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;

use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::postgres::PgRow;
use sqlx::query::Query;
use sqlx::sqlite::SqliteRow;
use sqlx::{Column, Pool, Postgres, Row as _, Sqlite, Transaction, TypeInfo, ValueRef};

use crate::store::{StoreError, StoreResult};

/// What a database needs to run the store's SQL.
pub trait Dialect: sqlx::Database {
    /// Appended to a `SELECT` that must lock its rows until commit.
    const FOR_UPDATE: &'static str;
    /// Appended to the job-claiming `SELECT`: workers skip rows another one has locked.
    const SKIP_LOCKED: &'static str;
    /// Begins a transaction that reads in order to write: SQLite takes the write lock at once,
    /// so nothing read for a decision can change before it is written.
    const BEGIN_WRITE: &'static str;
    /// Begins a read-only transaction whose reads all see one snapshot.
    const BEGIN_SNAPSHOT: &'static str;
    /// Serialises transactions about one order id (`$1`); empty where a single writer does.
    const LOCK_ID: &'static str;
    /// Whether multi-row statements number their placeholders (`$N`) or use `?`: SQLite
    /// looks a numbered parameter up by name in a list, so a statement with hundreds of them
    /// spends its time comparing names, while `?` is bound by position.
    const NUMBERED: bool;

    /// Brings the schema up to date with this dialect's migrations.
    fn migrate(pool: &Pool<Self>) -> impl Future<Output = StoreResult<()>> + Send;

    /// Runs one statement; `rows` says whether its rows are wanted (else only the count).
    fn run<'c>(
        conn: &'c mut Self::Connection,
        sql: Sql<'c>,
        rows: bool,
    ) -> impl Future<Output = StoreResult<Answer>> + Send + 'c;
}

static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("../../migrations/server/sqlite");
static PG_MIGRATOR: Migrator = sqlx::migrate!("../../migrations/server/postgres");

impl Dialect for Sqlite {
    const FOR_UPDATE: &'static str = "";
    const SKIP_LOCKED: &'static str = "";
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    const BEGIN_SNAPSHOT: &'static str = "BEGIN";
    const LOCK_ID: &'static str = "";
    const NUMBERED: bool = false;

    async fn migrate(pool: &Pool<Self>) -> StoreResult<()> {
        Ok(SQLITE_MIGRATOR.run(pool).await?)
    }

    async fn run(conn: &mut Self::Connection, sql: Sql<'_>, rows: bool) -> StoreResult<Answer> {
        let query = bind_all(sqlx::query::<Sqlite>(&sql.text), &sql);
        if rows {
            Answer::rows(&query.fetch_all(&mut *conn).await?, sqlite_value)
        } else {
            Ok(Answer::Changed(
                query.execute(&mut *conn).await?.rows_affected(),
            ))
        }
    }
}

impl Dialect for Postgres {
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
    const BEGIN_WRITE: &'static str = "BEGIN";
    const BEGIN_SNAPSHOT: &'static str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    const LOCK_ID: &'static str = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
    const NUMBERED: bool = true;

    async fn migrate(pool: &Pool<Self>) -> StoreResult<()> {
        Ok(PG_MIGRATOR.run(pool).await?)
    }

    async fn run(conn: &mut Self::Connection, sql: Sql<'_>, rows: bool) -> StoreResult<Answer> {
        let query = bind_all(sqlx::query::<Postgres>(&sql.text), &sql);
        if rows {
            Answer::rows(&query.fetch_all(&mut *conn).await?, pg_value)
        } else {
            Ok(Answer::Changed(
                query.execute(&mut *conn).await?.rows_affected(),
            ))
        }
    }
}

/// Binds a statement's arguments in order, for any driver that takes its three kinds.
fn bind_all<'q, DB>(
    mut query: Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    sql: &'q Sql<'_>,
) -> Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database + sqlx::database::HasStatementCache,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for arg in &sql.args {
        query = match arg {
            Arg::Int(v) => query.bind(*v),
            Arg::Text(v) => query.bind(v.as_deref()),
            Arg::Bool(v) => query.bind(*v),
        };
    }
    query.persistent(sql.persistent)
}

/// One column of a SQLite row, by the type of the value stored (SQLite types values, not
/// columns).
fn sqlite_value(row: &SqliteRow, i: usize) -> StoreResult<Value> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let kind = raw.type_info().name().to_owned();
    Ok(match kind.as_str() {
        "INTEGER" | "BOOLEAN" => Value::Int(row.try_get(i)?),
        "TEXT" => Value::Text(row.try_get(i)?),
        _ => return Err(unreadable(&kind)),
    })
}

/// One column of a PostgreSQL row, by the column's type.
fn pg_value(row: &PgRow, i: usize) -> StoreResult<Value> {
    if row.try_get_raw(i)?.is_null() {
        return Ok(Value::Null);
    }
    Ok(match row.column(i).type_info().name() {
        "INT8" => Value::Int(row.try_get(i)?),
        "INT4" => Value::Int(row.try_get::<i32, _>(i)?.into()),
        "INT2" => Value::Int(row.try_get::<i16, _>(i)?.into()),
        "BOOL" => Value::Bool(row.try_get(i)?),
        "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => Value::Text(row.try_get(i)?),
        other => return Err(unreadable(other)),
    })
}

fn unreadable(kind: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "a column of type {kind}, which the store never writes"
    ))
}

/// A statement and its arguments.
pub struct Sql<'q> {
    text: Cow<'q, str>,
    args: Vec<Arg<'q>>,
    persistent: bool,
}

/// A statement from its text.
pub fn query<'q>(text: impl Into<Cow<'q, str>>) -> Sql<'q> {
    Sql {
        text: text.into(),
        args: Vec::new(),
        persistent: true,
    }
}

impl<'q> Sql<'q> {
    /// A multi-row statement: `template`'s `{rows}` becomes `rows` value lists of `N`
    /// placeholders each, and each row's values are bound in order.
    pub fn rows<D: Dialect, const N: usize>(
        template: &str,
        rows: impl ExactSizeIterator<Item = [Arg<'q>; N]>,
    ) -> Sql<'q> {
        let mut sql = query(template.replace("{rows}", &value_rows::<D>(rows.len(), N)));
        for row in rows {
            sql.args.extend(row);
        }
        sql
    }

    /// A statement with a list of values: `template`'s `{list}` becomes one placeholder per
    /// item (for `IN (…)`).
    pub fn list<D: Dialect>(
        template: &str,
        items: impl ExactSizeIterator<Item = Arg<'q>>,
    ) -> Sql<'q> {
        let mut sql = query(template.replace("{list}", &value_list::<D>(items.len())));
        sql.args.extend(items);
        sql
    }

    /// Binds the next placeholder.
    pub fn bind(mut self, arg: impl Into<Arg<'q>>) -> Sql<'q> {
        self.args.push(arg.into());
        self
    }

    /// Whether the driver keeps the statement prepared (default yes): statements whose
    /// text depends on a batch's size would only push others out of the cache.
    pub fn persistent(mut self, keep: bool) -> Sql<'q> {
        self.persistent = keep;
        self
    }

    pub async fn execute<D: Dialect>(self, conn: &mut Conn<D>) -> StoreResult<u64> {
        Ok(match D::run(conn.raw(), self, false).await? {
            Answer::Changed(n) => n,
            Answer::Rows(rows) => rows.len() as u64,
        })
    }

    pub async fn fetch_all<D: Dialect>(self, conn: &mut Conn<D>) -> StoreResult<Vec<Row>> {
        Ok(match D::run(conn.raw(), self, true).await? {
            Answer::Rows(rows) => rows,
            Answer::Changed(_) => Vec::new(),
        })
    }

    pub async fn fetch_optional<D: Dialect>(self, conn: &mut Conn<D>) -> StoreResult<Option<Row>> {
        Ok(self.fetch_all(conn).await?.into_iter().next())
    }

    pub async fn fetch_one<D: Dialect>(self, conn: &mut Conn<D>) -> StoreResult<Row> {
        self.fetch_optional(conn)
            .await?
            .ok_or_else(|| StoreError::Db(sqlx::Error::RowNotFound))
    }
}

/// `($1, $2, $3), ($4, $5, $6)` for 2 rows of 3 (or `(?, ?, ?), …` where the dialect does
/// not number).
fn value_rows<D: Dialect>(rows: usize, cols: usize) -> String {
    let row = |r: usize| {
        let cells: Vec<String> = (1..=cols).map(|c| placeholder::<D>(r * cols + c)).collect();
        format!("({})", cells.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

/// `$1, $2, …, $n` (or `?, ?, …`), for `IN (…)`.
fn value_list<D: Dialect>(n: usize) -> String {
    (1..=n).map(placeholder::<D>).collect::<Vec<_>>().join(", ")
}

fn placeholder<D: Dialect>(i: usize) -> String {
    if D::NUMBERED {
        format!("${i}")
    } else {
        "?".into()
    }
}

/// A bound value: the store writes integers, text and flags only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg<'q> {
    Int(Option<i64>),
    Text(Option<Cow<'q, str>>),
    Bool(bool),
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}

impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}

impl From<String> for Arg<'_> {
    fn from(v: String) -> Self {
        Arg::Text(Some(Cow::Owned(v)))
    }
}

impl<'q> From<&'q str> for Arg<'q> {
    fn from(v: &'q str) -> Self {
        Arg::Text(Some(Cow::Borrowed(v)))
    }
}

impl<'q> From<&'q String> for Arg<'q> {
    fn from(v: &'q String) -> Self {
        Arg::Text(Some(Cow::Borrowed(v)))
    }
}

impl From<Option<String>> for Arg<'_> {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v.map(Cow::Owned))
    }
}

impl<'q> From<Option<&'q str>> for Arg<'q> {
    fn from(v: Option<&'q str>) -> Self {
        Arg::Text(v.map(Cow::Borrowed))
    }
}

impl<'q> From<&'q Option<String>> for Arg<'q> {
    fn from(v: &'q Option<String>) -> Self {
        Arg::Text(v.as_deref().map(Cow::Borrowed))
    }
}

/// What a statement did: how many rows it changed, or the rows it gave.
pub enum Answer {
    Changed(u64),
    Rows(Vec<Row>),
}

impl Answer {
    fn rows<R: sqlx::Row>(
        found: &[R],
        value: impl Fn(&R, usize) -> StoreResult<Value>,
    ) -> StoreResult<Answer> {
        let Some(first) = found.first() else {
            return Ok(Answer::Rows(Vec::new()));
        };
        let columns: Arc<[String]> = first
            .columns()
            .iter()
            .map(|c| c.name().to_owned())
            .collect();
        let rows = found
            .iter()
            .map(|r| {
                let values = (0..columns.len())
                    .map(|i| value(r, i))
                    .collect::<StoreResult<_>>()?;
                Ok(Row {
                    columns: Arc::clone(&columns),
                    values,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Answer::Rows(rows))
    }
}

/// A column's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

/// A row of an answer, read by position or column name.
#[derive(Clone, Debug)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// The value at `at` (a position or a column name) as a `T`.
    pub fn try_get<T: FromValue, I: ColumnIndex>(&self, at: I) -> StoreResult<T> {
        let i = at.index(&self.columns)?;
        let value = self
            .values
            .get(i)
            .ok_or_else(|| StoreError::Corrupt(format!("no column {i}")))?;
        T::from_value(value).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "column {} holds {value:?}, not {}",
                self.columns[i],
                std::any::type_name::<T>()
            ))
        })
    }
}

/// A position or a column name.
pub trait ColumnIndex {
    fn index(&self, columns: &[String]) -> StoreResult<usize>;
}

impl ColumnIndex for usize {
    fn index(&self, columns: &[String]) -> StoreResult<usize> {
        if *self < columns.len() {
            Ok(*self)
        } else {
            Err(StoreError::Corrupt(format!("no column {self}")))
        }
    }
}

impl ColumnIndex for &str {
    fn index(&self, columns: &[String]) -> StoreResult<usize> {
        columns
            .iter()
            .position(|c| c == self)
            .ok_or_else(|| StoreError::Corrupt(format!("no column {self}")))
    }
}

/// A Rust value a column can be read as.
pub trait FromValue: Sized {
    fn from_value(value: &Value) -> Option<Self>;
}

impl FromValue for i64 {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }
}

impl FromValue for String {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Text(v) => Some(v.clone()),
            _ => None,
        }
    }
}

impl FromValue for bool {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Bool(v) => Some(*v),
            // SQLite keeps flags as 0 and 1.
            Value::Int(0) => Some(false),
            Value::Int(1) => Some(true),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// A connection the store's SQL runs on: a transaction, or one from a pool for reads that
/// need none.
pub enum Conn<D: Dialect> {
    Tx(Transaction<'static, D>),
    Pooled(PoolConnection<D>),
}

impl<D: Dialect> Conn<D> {
    /// A transaction on `pool`, begun with `statement` (`BEGIN` when `None`).
    pub async fn begin(pool: &Pool<D>, statement: Option<&'static str>) -> StoreResult<Conn<D>> {
        Ok(Conn::Tx(match statement {
            Some(s) => pool.begin_with(s).await?,
            None => pool.begin().await?,
        }))
    }

    /// A connection from `pool`, outside any transaction.
    pub async fn acquire(pool: &Pool<D>) -> StoreResult<Conn<D>> {
        Ok(Conn::Pooled(pool.acquire().await?))
    }

    pub async fn commit(self) -> StoreResult<()> {
        if let Conn::Tx(tx) = self {
            tx.commit().await?;
        }
        Ok(())
    }

    pub async fn rollback(self) -> StoreResult<()> {
        if let Conn::Tx(tx) = self {
            tx.rollback().await?;
        }
        Ok(())
    }

    fn raw(&mut self) -> &mut D::Connection {
        match self {
            Conn::Tx(tx) => tx,
            Conn::Pooled(c) => c,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_where_the_dialect_does() {
        assert_eq!(value_rows::<Postgres>(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(value_rows::<Sqlite>(1, 2), "(?, ?)");
        assert_eq!(value_list::<Postgres>(3), "$1, $2, $3");
        assert_eq!(value_list::<Sqlite>(2), "?, ?");
    }

    #[test]
    fn a_multi_row_statement_binds_row_after_row() {
        let sql = Sql::rows::<Postgres, 2>(
            "INSERT INTO t (a, b) VALUES {rows}",
            [
                [Arg::from(1), Arg::from("x")],
                [Arg::from(2), Arg::from("y")],
            ]
            .into_iter(),
        );
        assert_eq!(sql.text, "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert_eq!(
            sql.args,
            vec![Arg::from(1), Arg::from("x"), Arg::from(2), Arg::from("y")]
        );
    }

    #[test]
    fn a_row_reads_by_position_and_name_and_says_what_did_not_fit() {
        let row = Row {
            columns: vec!["n".to_owned(), "s".to_owned(), "flag".to_owned()].into(),
            values: vec![Value::Int(7), Value::Null, Value::Int(1)],
        };
        assert_eq!(row.try_get::<i64, _>(0).expect("readable"), 7);
        assert_eq!(
            row.try_get::<Option<String>, _>("s").expect("readable"),
            None
        );
        assert!(row.try_get::<bool, _>("flag").expect("readable"));
        let wrong = row
            .try_get::<String, _>("n")
            .expect_err("a string column read as text")
            .to_string();
        assert!(wrong.contains("column n"), "{wrong}");
        assert!(row.try_get::<i64, _>("missing").is_err());
        assert!(row.try_get::<i64, _>(3).is_err());
    }
}
