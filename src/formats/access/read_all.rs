//! One helper session reading every selected table of a database into the
//! table sink: open, list, then each table's schema and rows. A session the
//! helper's failure cut short is run again from the start (the sink is told
//! to forget what it had); what the sink does with an incomplete table is
//! its decision.
//!
//! Where the helper can (feature `concurrent_reads`, the Jackcess engine)
//! and the CPUs allow, several tables are read side by side: the helper
//! reads each on a thread of its own and their `rows` messages interleave,
//! each decoded into its own table's builders and pushed into the sink as
//! its own open table. Tables are begun in the database's order, so file
//! names and reports do not depend on which read ends first; and what may
//! end the read (a table's failure, damage part-way) is settled in that
//! order too, once every table before it is done, so the error a run
//! stops on is the one reading one table at a time would have met first.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

use super::read::{self, RowsFailure, TableRows};
use super::{
    open_user_tables, refuse_unknown_tables_from_cache, run_session, table_failure, AccessError,
};
use crate::formats::{
    FormatError, ReadError, ReadOptions, ReadSummary, TableName, TableSink, TableSlot,
};
use crate::jvm::helper::{Helper, HelperError, ReadEvent};
use crate::jvm::protocol::{Engine, ErrorKind, RequestId, TableSchema};
use crate::jvm::rows::RowsRoute;
use crate::progress::Progress;

/// Most tables read at once, whatever the CPUs: each holds a batch of
/// builders, a Parquet writer and a database handle in the JVM.
const MAX_TABLES_AT_ONCE: usize = 4;

/// Reads the database at `input` into `tables`.
pub(super) fn read_all(
    input: &Path,
    options: &ReadOptions,
    tables: &mut dyn TableSink,
    progress: &dyn Progress,
) -> Result<ReadSummary, ReadError> {
    refuse_unknown_tables_from_cache(input, &options.jvm, &options.access)
        .map_err(FormatError::from)?;
    let attempted = run_session(&options.jvm, async |helper: &mut Helper| {
        tables.restart();
        read_session(helper, input, options, &mut *tables, progress).await
    })
    .map_err(FormatError::from)?;
    let mut notes = attempted.value?;
    if attempted.retries > 0 {
        notes.push(format!(
            "the Java helper was restarted {} time(s) after recoverable failures",
            attempted.retries
        ));
    }
    Ok(ReadSummary {
        notes,
        retries: attempted.retries,
    })
}

/// Tables read at once for `options`: one per two threads the database may
/// use (the helper's reading thread, and this side's decoding and Parquet
/// writing), up to [`MAX_TABLES_AT_ONCE`]; one where the helper or the
/// engine cannot read side by side.
fn tables_at_once(helper: &Helper, options: &ReadOptions, tables: usize) -> usize {
    if options.access.engine != Engine::Jackcess || !helper.reads_concurrently() {
        return 1;
    }
    let threads = match options.access.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    (threads / 2)
        .clamp(1, MAX_TABLES_AT_ONCE)
        .min(tables.max(1))
}

/// One session. Helper failures are `Err` (and may be retried); the rest
/// is `Ok(Err)`, final.
async fn read_session(
    helper: &mut Helper,
    input: &Path,
    options: &ReadOptions,
    tables: &mut dyn TableSink,
    progress: &dyn Progress,
) -> Result<Result<Vec<String>, ReadError>, HelperError> {
    let (names, mut notes) = match open_user_tables(helper, input, &options.access).await? {
        Ok(found) => found,
        Err(e) => return Ok(Err(FormatError::from(e).into())),
    };
    if names.is_empty() {
        notes.push("the database holds no user tables: the output directory is empty".into());
    }
    let at_once = tables_at_once(helper, options, names.len());
    let mut reads = TableReads {
        helper,
        sink: tables,
        options,
        progress,
        concurrent: at_once > 1,
        queue: VecDeque::new(),
        route: Reads::default(),
        held: BTreeMap::new(),
    };
    reads.queue_tables(names).await;
    let result = reads.run(at_once).await;
    if !matches!(result, Ok(Ok(()))) {
        reads.cancel_all().await;
    }
    Ok(result?.map(|()| notes))
}

/// A table waiting for its read, with its schema when it was asked ahead.
struct Queued {
    /// Its place in the database's order.
    order: usize,
    name: String,
    schema: Option<Result<TableSchema, HelperError>>,
}

/// A table's outcome that may end the read, held until every table before
/// it is done.
enum Held {
    /// Damage stopped the table's read after `rows` rows (all pushed).
    Damaged {
        slot: TableSlot,
        rows: u64,
        message: String,
    },
    /// The table could not be read.
    Failed {
        table: String,
        slot: Option<TableSlot>,
        error: AccessError,
        damage: bool,
    },
    /// This side cannot go on with it: a value it cannot hold.
    Ends(ReadError),
}

/// The reads of one session: the tables waiting, those in flight, and
/// where their rows go.
struct TableReads<'s, 'p> {
    helper: &'s mut Helper,
    sink: &'s mut dyn TableSink,
    options: &'s ReadOptions,
    progress: &'p dyn Progress,
    /// Tables are read side by side.
    concurrent: bool,
    queue: VecDeque<Queued>,
    route: Reads<'p>,
    /// Outcomes waiting for the tables before them, by table order.
    held: BTreeMap<usize, Held>,
}

/// A read in flight: its request, its table's place in the order, its rows.
struct InFlight<'p> {
    id: RequestId,
    order: usize,
    rows: TableRows<'p>,
}

/// The reads in flight, by request id.
#[derive(Default)]
struct Reads<'p> {
    in_flight: Vec<InFlight<'p>>,
}

impl<'p> RowsRoute for Reads<'p> {
    type Target = TableRows<'p>;

    fn target(&mut self, id: RequestId) -> Option<&mut TableRows<'p>> {
        self.in_flight
            .iter_mut()
            .find(|read| read.id == id)
            .map(|read| &mut read.rows)
    }
}

impl<'p> Reads<'p> {
    fn remove(&mut self, id: RequestId) -> Option<InFlight<'p>> {
        let at = self.in_flight.iter().position(|read| read.id == id)?;
        Some(self.in_flight.remove(at))
    }
}

impl<'p> TableReads<'_, 'p> {
    /// Queues `names` in order. Reading side by side, every schema is asked
    /// first (the helper's replies to a `schema` would otherwise interleave
    /// with rows) and one progress bar counts the rows of all tables.
    async fn queue_tables(&mut self, names: Vec<String>) {
        let mut stated_rows = 0;
        for (order, name) in names.into_iter().enumerate() {
            let schema = if self.concurrent {
                let schema = self.helper.schema(&name).await;
                if let Ok(schema) = &schema {
                    stated_rows += schema.row_count;
                }
                Some(schema)
            } else {
                None
            };
            self.queue.push_back(Queued {
                order,
                name,
                schema,
            });
        }
        if self.concurrent {
            let label = format!("{} tables", self.queue.len());
            self.progress.start_rows(&label, stated_rows);
        }
    }

    /// Reads every queued table, `at_once` at a time.
    async fn run(&mut self, at_once: usize) -> Result<Result<(), ReadError>, HelperError> {
        loop {
            while self.route.in_flight.len() < at_once {
                let Some(next) = self.queue.pop_front() else {
                    break;
                };
                self.start(next).await?;
                if let Err(e) = self.settle_held() {
                    return Ok(Err(e));
                }
            }
            if self.route.in_flight.is_empty() {
                return Ok(self.settle_held());
            }
            let event = self.helper.next_read_event(&mut self.route).await?;
            if let Err(e) = self.handle(event)? {
                return Ok(Err(e));
            }
            if let Err(e) = self.settle_held() {
                return Ok(Err(e));
            }
        }
    }

    /// Settles the held outcomes no table still in flight comes before, in
    /// table order; the first that ends the read ends it.
    fn settle_held(&mut self) -> Result<(), ReadError> {
        let first_in_flight = self.route.in_flight.iter().map(|read| read.order).min();
        while let Some(entry) = self.held.first_entry() {
            if first_in_flight.is_some_and(|first| first < *entry.key()) {
                break;
            }
            match entry.remove() {
                Held::Damaged {
                    slot,
                    rows,
                    message,
                } => self
                    .sink
                    .end(slot, rows, Some(message))
                    .map_err(|_| ReadError::Stopped)?,
                Held::Failed {
                    table,
                    slot,
                    error,
                    damage,
                } => offer_failure(self.sink, &table, slot, error, damage)?,
                Held::Ends(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// Begins `table` in the sink and asks for its rows. A table whose
    /// schema the helper could not give is held as failed; a sink that
    /// will not begin it ends the read.
    async fn start(&mut self, table: Queued) -> Result<(), HelperError> {
        let schema = match table.schema {
            Some(asked) => asked,
            None => self.helper.schema(&table.name).await,
        };
        let schema = match schema {
            Ok(schema) => schema,
            Err(e) => {
                let error = table_failure(&table.name, e)?;
                let damage = error.is_damage();
                let failed = Held::Failed {
                    table: table.name,
                    slot: None,
                    error,
                    damage,
                };
                self.held.insert(table.order, failed);
                return Ok(());
            }
        };
        let arrow_schema = read::arrow_schema(&schema, self.options.all_strings);
        let Ok(slot) = self.sink.begin(
            TableName::part(&table.name),
            &arrow_schema,
            Some(schema.row_count),
        ) else {
            self.held
                .insert(table.order, Held::Ends(ReadError::Stopped));
            return Ok(());
        };
        if !self.concurrent {
            self.progress.start_rows(&schema.table, schema.row_count);
        }
        let encoding = read::encoding_for(&schema, &arrow_schema);
        let id = self
            .helper
            .start_read(
                &schema.table,
                read::READ_BATCH_ROWS,
                encoding,
                self.concurrent,
            )
            .await?;
        let rows = TableRows::new(&schema.table, slot, arrow_schema, encoding, self.progress);
        self.route.in_flight.push(InFlight {
            id,
            order: table.order,
            rows,
        });
        Ok(())
    }

    /// What a read's event means for its table: a full batch pushed, the
    /// table ended, or an outcome held (damage part-way, a failure, a value
    /// refused). A sink that stops ends the read at once.
    fn handle(
        &mut self,
        event: ReadEvent<RowsFailure>,
    ) -> Result<Result<(), ReadError>, HelperError> {
        let (id, outcome) = match event {
            ReadEvent::Rows { id, .. } => {
                let rows = self.route.target(id).expect("rows of a read in flight");
                return Ok(rows.push_full_batch(self.sink).map_err(into_read_error));
            }
            ReadEvent::Ended { id, .. } => (id, Ok(())),
            ReadEvent::Failed { id, error } => (id, Err(Ok(error))),
            ReadEvent::Refused { id, error } => (id, Err(Err(error))),
        };
        let InFlight {
            order, mut rows, ..
        } = self.route.remove(id).expect("the end of a read in flight");
        let message = match outcome {
            Ok(()) => None,
            Err(Ok(HelperError::Reported {
                kind: ErrorKind::Corrupt,
                message,
            })) => Some(message),
            Err(Ok(error)) => {
                let failed = Held::Failed {
                    table: rows.table().to_string(),
                    slot: Some(rows.slot()),
                    error: table_failure(rows.table(), error)?,
                    damage: false,
                };
                self.held.insert(order, failed);
                return Ok(Ok(()));
            }
            Err(Err(refusal)) => {
                self.held
                    .insert(order, Held::Ends(into_read_error(refusal)));
                return Ok(Ok(()));
            }
        };
        if let Err(failure) = rows.push(self.sink) {
            return Ok(Err(into_read_error(failure)));
        }
        let Some(message) = message else {
            return Ok(self
                .sink
                .end(rows.slot(), rows.rows(), None)
                .map_err(|_| ReadError::Stopped));
        };
        let damaged = Held::Damaged {
            slot: rows.slot(),
            rows: rows.rows(),
            message,
        };
        self.held.insert(order, damaged);
        Ok(Ok(()))
    }

    /// Asks the helper to end the reads still in flight (the session is
    /// over; the helper is then told goodbye or stopped).
    async fn cancel_all(&mut self) {
        let ids: Vec<RequestId> = self.route.in_flight.iter().map(|read| read.id).collect();
        for id in ids {
            if self.helper.cancel(id).await.is_err() {
                return;
            }
        }
    }
}

fn into_read_error(failure: RowsFailure) -> ReadError {
    match failure {
        RowsFailure::Value(e) => FormatError::from(e).into(),
        RowsFailure::Stopped => ReadError::Stopped,
    }
}

/// Tells the sink `table` failed; its answer decides whether the read goes
/// on or ends with `error`.
fn offer_failure(
    tables: &mut dyn TableSink,
    table: &str,
    slot: Option<TableSlot>,
    error: AccessError,
    damage: bool,
) -> Result<(), ReadError> {
    let failure = FormatError::from(error);
    match tables.failed(table, slot, &failure, damage) {
        Ok(()) => Ok(()),
        Err(_) => Err(ReadError::Failed(failure)),
    }
}
