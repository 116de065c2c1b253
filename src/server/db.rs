//! The lab server's storage: SQLite, and the one place every route's data access goes through.
//!
//! Owns: the schema, the connections and every SQL statement. Promises:
//! - ids come from `INTEGER PRIMARY KEY AUTOINCREMENT`, so a deleted id is never handed out
//!   again, not even after a restart;
//! - all writes go through one writer connection behind a mutex, so concurrent writers queue
//!   instead of spinning on `SQLITE_BUSY`, and nothing is lost;
//! - file mode runs in WAL with `synchronous=NORMAL` (a commit is durable against a process
//!   crash, not against power loss — the right trade for a lab) and reads from an r2d2 pool
//!   of reader connections that never wait for the writer; in-memory mode has one connection
//!   for everything (an in-memory database exists only inside its connection);
//! - blocking SQLite calls run on tokio's blocking threads (`spawn_blocking`), never on the
//!   async workers;
//! - statements are prepared once per connection (`prepare_cached`).
//!
//! The database-side bottlenecks ([`StoreOptions`]: N+1 queries, a missing index, no
//! pagination, blocking calls on async threads) are switched here, in the [`Store`] methods:
//! the handlers know nothing about SQL. Every statement run is counted (`/metrics`), and so is
//! every row a full table scan steps over (SQLite's own `FULLSCAN_STEP` counter, like
//! PostgreSQL's `seq_tup_read`): the cost of a missing index, visible before it hurts.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use r2d2::Pool;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OptionalExtension, Row, Statement, StatementStatus, params};
use serde::Serialize;

use super::bottlenecks::Switches;
use super::clock::now_timestamp;
use super::models::{NewTodo, TodoPatch};
use crate::process::lock;

/// Where the todos live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// A SQLite file; created if missing, and the data survives a restart.
    File(PathBuf),
    /// A throwaway database that disappears with the server.
    InMemory,
}

/// A todo as the API shows it; field order is the original's JSON order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Todo {
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    pub id: i64,
    pub created_at: String,
    pub updated_at: String,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS todos (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        title       TEXT    NOT NULL,
        description TEXT,
        completed   INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT    NOT NULL,
        updated_at  TEXT    NOT NULL
    );";

const COLUMNS: &str = "title, description, completed, id, created_at, updated_at";
const READER_POOL_SIZE: u32 = 8;
const BUSY_TIMEOUT_MS: u32 = 5_000;

fn select_one_sql(key: &str) -> String {
    format!("SELECT {COLUMNS} FROM todos WHERE {key} = ?1")
}

fn list_sql(key: &str) -> String {
    format!("SELECT {COLUMNS} FROM todos ORDER BY {key} LIMIT ?1 OFFSET ?2")
}

fn update_sql(key: &str) -> String {
    format!(
        "UPDATE todos SET
             title = COALESCE(?1, title),
             description = CASE WHEN ?2 THEN ?3 ELSE description END,
             completed = COALESCE(?4, completed),
             updated_at = ?5
         WHERE {key} = ?6
         RETURNING {COLUMNS}"
    )
}

fn delete_sql(key: &str) -> String {
    format!("DELETE FROM todos WHERE {key} = ?1")
}

fn row_to_todo(row: &Row<'_>) -> rusqlite::Result<Todo> {
    Ok(Todo {
        title: row.get(0)?,
        description: row.get(1)?,
        completed: row.get(2)?,
        id: row.get(3)?,
        created_at: row.get(4)?,
        updated_at: row.get(5)?,
    })
}

/// Database-side bottlenecks; all `false` is the healthy server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreOptions {
    /// The list reads ids first, then each todo with its own (unprepared) query.
    pub n_plus_one: bool,
    /// Lookups by id are written so SQLite cannot use the primary key (`+id`): table scans.
    /// A lookup stops at its match (like SQLAlchemy's `.first()`), so the cost grows with the
    /// row's position: recent todos — the ones scenarios touch — and misses scan the most.
    pub missing_index: bool,
    /// The list ignores skip/limit.
    pub no_pagination: bool,
    /// SQLite runs on the calling async worker thread instead of a blocking thread.
    pub inline: bool,
}

impl StoreOptions {
    /// The same bottlenecks as server-wide flags.
    #[cfg(test)]
    fn switches(self) -> Switches {
        use super::bottlenecks::Bottleneck::*;
        let list = [
            (self.n_plus_one, NPlusOne),
            (self.missing_index, MissingIndex),
            (self.no_pagination, NoPagination),
            (self.inline, BlockingIo),
        ];
        Switches::of(&list.iter().filter(|(on, _)| *on).map(|(_, b)| *b).collect::<Vec<_>>())
    }

    /// The flags as they are now.
    fn now(switches: &Switches) -> StoreOptions {
        use super::bottlenecks::Bottleneck::*;
        StoreOptions {
            n_plus_one: switches.is_on(NPlusOne),
            missing_index: switches.is_on(MissingIndex),
            no_pagination: switches.is_on(NoPagination),
            inline: switches.is_on(BlockingIo),
        }
    }

    /// `id` as a lookup key: `+id` is still the id, but no longer an indexed column to SQLite.
    fn id_expr(&self) -> &'static str {
        if self.missing_index { "+id" } else { "id" }
    }
}

enum Backend {
    Memory(Mutex<Connection>),
    File { writer: Mutex<Connection>, readers: Pool<SqliteConnectionManager> },
}

/// Cheap to clone; all clones share the connections.
#[derive(Clone)]
pub struct Store {
    backend: Arc<Backend>,
    /// Read at each query: the lab panel may switch bottlenecks while the server runs.
    switches: Arc<Switches>,
    queries: Arc<AtomicU64>,
    scanned: Arc<AtomicU64>,
}

/// Adds the rows `stmt` stepped over in full table scans since it was last asked.
fn count_scanned(stmt: &Statement<'_>, scanned: &AtomicU64) {
    let steps = stmt.reset_status(StatementStatus::FullscanStep).max(0) as u64;
    scanned.fetch_add(steps, Ordering::Relaxed);
}

impl Store {
    /// Opens (and if needed creates) the database. Blocking: call from a blocking context.
    #[cfg(test)]
    pub fn open(storage: &Storage, options: StoreOptions) -> Result<Store> {
        Store::open_switched(storage, Arc::new(options.switches()))
    }

    /// Like [`Store::open`], with bottleneck flags shared with the rest of the server.
    pub fn open_switched(storage: &Storage, switches: Arc<Switches>) -> Result<Store> {
        let backend = match storage {
            Storage::InMemory => {
                let conn = Connection::open_in_memory().context("메모리 데이터베이스를 만들 수 없어요")?;
                conn.execute_batch(SCHEMA).context("테이블을 만들 수 없어요")?;
                Backend::Memory(Mutex::new(conn))
            }
            Storage::File(path) => open_file(path)?,
        };
        Ok(Store { backend: Arc::new(backend), switches, queries: Arc::default(), scanned: Arc::default() })
    }

    fn options(&self) -> StoreOptions {
        StoreOptions::now(&self.switches)
    }

    /// Statements run so far (each query of an N+1 list counts).
    pub fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// Rows stepped over by full table scans so far.
    pub fn rows_scanned(&self) -> u64 {
        self.scanned.load(Ordering::Relaxed)
    }

    fn counted(&self, n: u64) {
        self.queries.fetch_add(n, Ordering::Relaxed);
    }

    /// Runs blocking database work where the options say: a blocking thread (healthy), or
    /// right here on the async worker (the blocking-io bottleneck).
    async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T> + Send + 'static,
    {
        if self.options().inline {
            return f();
        }
        tokio::task::spawn_blocking(f).await.context("데이터베이스 작업이 중단되었어요")?
    }

    /// Runs `f` on a connection that may only read, on a blocking thread.
    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let backend = self.backend.clone();
        self.run(move || match &*backend {
            Backend::Memory(conn) => f(&lock(conn)).context("읽기 쿼리 실패"),
            Backend::File { readers, .. } => {
                let conn = readers.get().context("읽기 연결을 얻지 못했어요")?;
                f(&conn).context("읽기 쿼리 실패")
            }
        })
        .await
    }

    /// Runs `f` on the single writer connection, on a blocking thread.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let backend = self.backend.clone();
        self.run(move || {
            let conn = match &*backend {
                Backend::Memory(conn) => conn,
                Backend::File { writer, .. } => writer,
            };
            f(&lock(conn)).context("쓰기 쿼리 실패")
        })
        .await
    }

    /// `GET /todos/`: ordered by id. `skip < 0` counts as 0; `limit < 0` means no limit
    /// (SQLite's own reading of a negative LIMIT).
    pub async fn list_todos(&self, skip: i64, limit: i64) -> Result<Vec<Todo>> {
        let opts = self.options();
        let (offset, limit) =
            if opts.no_pagination { (0, -1) } else { (skip.max(0), if limit < 0 { -1 } else { limit }) };
        let id = opts.id_expr();
        let scanned = self.scanned.clone();
        if !opts.n_plus_one {
            self.counted(1);
            return self
                .read(move |conn| {
                    let mut stmt = conn.prepare_cached(&list_sql(id))?;
                    let rows: Vec<Todo> = stmt
                        .query_map(params![limit, offset], row_to_todo)?
                        .collect::<rusqlite::Result<_>>()?;
                    count_scanned(&stmt, &scanned);
                    Ok(rows)
                })
                .await;
        }
        // The ORM habit: fetch the keys, then lazily load every object on its own.
        let queries = self.queries.clone();
        self.read(move |conn| {
            let sql = format!("SELECT id FROM todos ORDER BY {id} LIMIT ?1 OFFSET ?2");
            let mut stmt = conn.prepare_cached(&sql)?;
            let ids: Vec<i64> =
                stmt.query_map(params![limit, offset], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            count_scanned(&stmt, &scanned);
            queries.fetch_add(1 + ids.len() as u64, Ordering::Relaxed);
            let one = select_one_sql(id);
            ids.into_iter()
                .filter_map(|todo_id| {
                    conn.prepare(&one)
                        .and_then(|mut stmt| {
                            let todo = stmt.query_row([todo_id], row_to_todo).optional();
                            count_scanned(&stmt, &scanned);
                            todo
                        })
                        .transpose()
                })
                .collect()
        })
        .await
    }

    pub async fn get_todo(&self, id: i64) -> Result<Option<Todo>> {
        let key = self.options().id_expr();
        self.counted(1);
        let scanned = self.scanned.clone();
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&select_one_sql(key))?;
            let todo = stmt.query_row([id], row_to_todo).optional();
            count_scanned(&stmt, &scanned);
            todo
        })
        .await
    }

    pub async fn create_todo(&self, new: NewTodo) -> Result<Todo> {
        self.counted(1);
        self.write(move |conn| {
            let created_at = now_timestamp();
            let updated_at = now_timestamp();
            conn.prepare_cached(
                "INSERT INTO todos (title, description, completed, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                new.title,
                new.description,
                new.completed,
                created_at,
                updated_at
            ])?;
            Ok(Todo {
                id: conn.last_insert_rowid(),
                title: new.title,
                description: new.description,
                completed: new.completed,
                created_at,
                updated_at,
            })
        })
        .await
    }

    /// Partial update in one statement; `updated_at` always moves. `None` if no such id.
    pub async fn update_todo(&self, id: i64, patch: TodoPatch) -> Result<Option<Todo>> {
        let key = self.options().id_expr();
        self.counted(1);
        let scanned = self.scanned.clone();
        self.write(move |conn| {
            let sql = update_sql(key);
            let set_description = patch.description.is_some();
            let description = patch.description.flatten();
            let mut stmt = conn.prepare_cached(&sql)?;
            let todo = stmt
                .query_row(
                    params![patch.title, set_description, description, patch.completed, now_timestamp(), id],
                    row_to_todo,
                )
                .optional();
            count_scanned(&stmt, &scanned);
            todo
        })
        .await
    }

    /// `true` if a todo was deleted.
    pub async fn delete_todo(&self, id: i64) -> Result<bool> {
        let key = self.options().id_expr();
        self.counted(1);
        let scanned = self.scanned.clone();
        self.write(move |conn| {
            let mut stmt = conn.prepare_cached(&delete_sql(key))?;
            let n = stmt.execute([id]);
            count_scanned(&stmt, &scanned);
            Ok(n? > 0)
        })
        .await
    }

    /// For `/metrics`; not counted as a query of the application.
    pub async fn count_todos(&self) -> Result<i64> {
        self.read(|conn| conn.prepare_cached("SELECT COUNT(*) FROM todos")?.query_row([], |r| r.get(0))).await
    }
}

fn open_file(path: &Path) -> Result<Backend> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("데이터베이스 폴더 {} 를 만들 수 없어요", parent.display()))?;
    }
    let writer = Connection::open(path)
        .with_context(|| format!("데이터베이스 파일 {} 을 열 수 없어요", path.display()))?;
    writer
        .execute_batch(&format!(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
             {SCHEMA}"
        ))
        .with_context(|| format!("데이터베이스 {} 를 준비할 수 없어요", path.display()))?;
    let manager = SqliteConnectionManager::file(path)
        .with_init(|c| c.execute_batch(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};")));
    let readers = Pool::builder()
        .max_size(READER_POOL_SIZE)
        .build(manager)
        .context("읽기 커넥션 풀을 만들 수 없어요")?;
    Ok(Backend::File { writer: Mutex::new(writer), readers })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let n = stmt.parameter_count();
        let params: Vec<i64> = vec![1; n];
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| r.get::<_, String>(3)).unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join(" | ")
    }

    #[test]
    fn missing_index_turns_every_lookup_into_a_table_scan() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        for (healthy, broken) in [
            (select_one_sql("id"), select_one_sql("+id")),
            (update_sql("id"), update_sql("+id")),
            (delete_sql("id"), delete_sql("+id")),
        ] {
            let (good, bad) = (plan(&conn, &healthy), plan(&conn, &broken));
            assert!(good.contains("SEARCH") && good.contains("PRIMARY KEY"), "{good}");
            assert!(bad.starts_with("SCAN") && !bad.contains("PRIMARY KEY"), "{bad}");
        }
        let good = plan(&conn, &list_sql("id"));
        let bad = plan(&conn, &list_sql("+id"));
        assert!(!good.contains("TEMP B-TREE"), "{good}");
        assert!(bad.contains("USE TEMP B-TREE FOR ORDER BY"), "the list sorts every time: {bad}");
    }

    async fn seeded(options: StoreOptions, n: usize) -> Store {
        let store = Store::open(&Storage::InMemory, options).unwrap();
        for i in 0..n {
            let new = NewTodo { title: format!("t{i}"), description: None, completed: false };
            store.create_todo(new).await.unwrap();
        }
        store
    }

    #[tokio::test]
    async fn n_plus_one_sends_one_query_per_listed_todo_with_the_same_answer() {
        let healthy = seeded(StoreOptions::default(), 12).await;
        let broken = seeded(StoreOptions { n_plus_one: true, ..Default::default() }, 12).await;
        let (h0, b0) = (healthy.queries(), broken.queries());
        let good = healthy.list_todos(2, 8).await.unwrap();
        let bad = broken.list_todos(2, 8).await.unwrap();
        assert_eq!(healthy.queries() - h0, 1);
        assert_eq!(broken.queries() - b0, 1 + 8);
        let titles = |v: &[Todo]| v.iter().map(|t| t.title.clone()).collect::<Vec<_>>();
        assert_eq!(titles(&good), titles(&bad));
    }

    #[tokio::test]
    async fn no_pagination_ignores_skip_and_limit() {
        let store = seeded(StoreOptions { no_pagination: true, ..Default::default() }, 130).await;
        assert_eq!(store.list_todos(5, 10).await.unwrap().len(), 130);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn inline_runs_sqlite_on_the_calling_thread() {
        let here = std::thread::current().id();
        let inline = seeded(StoreOptions { inline: true, ..Default::default() }, 1).await;
        let healthy = seeded(StoreOptions::default(), 1).await;
        let where_ran =
            |store: Store| async move { store.run(|| Ok(std::thread::current().id())).await.unwrap() };
        assert_eq!(where_ran(inline).await, here);
        assert_ne!(where_ran(healthy).await, here);
    }
}
