//! A [`ParquetSink`] on a thread of its own: the producer hands over
//! batches and goes on reading while the previous ones are encoded and
//! compressed. For sources that must be drained steadily (the Java helper
//! stalls on a full pipe while the reader encodes Parquet).

use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

use arrow_array::RecordBatch;

use super::{ParquetSink, SinkError};

/// Batches waiting for the writer thread at most (bounded memory).
const QUEUED_BATCHES: usize = 2;

/// Dropped unfinished, it waits for its thread, so the sink's temporary
/// file is gone when the drop returns.
pub struct BackgroundSink {
    sender: Option<SyncSender<RecordBatch>>,
    writer: Option<JoinHandle<Result<ParquetSink, SinkError>>>,
}

impl BackgroundSink {
    /// Starts the writer thread.
    pub fn start(mut sink: ParquetSink) -> BackgroundSink {
        let (sender, batches) = sync_channel::<RecordBatch>(QUEUED_BATCHES);
        let writer = std::thread::spawn(move || {
            for batch in batches {
                sink.write(&batch)?;
            }
            Ok(sink)
        });
        BackgroundSink {
            sender: Some(sender),
            writer: Some(writer),
        }
    }

    /// Queues `batch`; waits only when the queue is full. `false` when the
    /// writer stopped on an error, which [`finish`](Self::finish) returns.
    pub fn write(&self, batch: RecordBatch) -> bool {
        self.sender
            .as_ref()
            .is_some_and(|sender| sender.send(batch).is_ok())
    }

    /// Waits for every queued batch to be written; the sink back, ready to
    /// be finished, or the first write error.
    pub fn finish(mut self) -> Result<ParquetSink, SinkError> {
        self.join()
    }

    fn join(&mut self) -> Result<ParquetSink, SinkError> {
        drop(self.sender.take());
        self.writer
            .take()
            .expect("joined once")
            .join()
            .expect("the Parquet writer thread panicked")
    }
}

impl Drop for BackgroundSink {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = self.join();
        }
    }
}
