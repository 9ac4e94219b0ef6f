//! Work on a sequence of inputs spread over threads, the results taken in
//! input order: a reader hands out chunks as it reads them, workers decode
//! them, and the caller writes each as soon as the ones before it are
//! written. Only a window of chunks is in flight, so memory stays bounded
//! however long the input.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::sync::Mutex;

/// Chunks in flight per thread (queued, being worked on, or done and
/// waiting for an earlier one).
const WINDOW_PER_THREAD: usize = 2;

/// Calls `work` on every item of `inputs` on `threads` threads (1: on this
/// one) and `consume` on each result in the order of `inputs`. Stops at the
/// first error of `inputs`, `work` or `consume`, and returns it.
pub fn map_in_order<I, O, E>(
    threads: usize,
    inputs: impl Iterator<Item = Result<I, E>>,
    work: impl Fn(I) -> Result<O, E> + Sync,
    mut consume: impl FnMut(O) -> Result<(), E>,
) -> Result<(), E>
where
    I: Send,
    O: Send,
    E: Send,
{
    if threads <= 1 {
        for input in inputs {
            consume(work(input?)?)?;
        }
        return Ok(());
    }
    let (task_sender, task_receiver) = mpsc::sync_channel::<(usize, I)>(threads);
    let task_receiver = Mutex::new(task_receiver);
    let (done_sender, done_receiver) = mpsc::channel::<(usize, Result<O, E>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (tasks, done, work) = (&task_receiver, done_sender.clone(), &work);
            scope.spawn(move || loop {
                let task = tasks.lock().expect("the task queue").recv();
                let Ok((index, input)) = task else { break };
                if done.send((index, work(input))).is_err() {
                    break;
                }
            });
        }
        drop(done_sender);
        // The sender goes with the call: however it returns, the workers
        // then see the queue closed and end.
        hand_out_and_collect(threads, inputs, task_sender, done_receiver, consume)
    })
}

/// Sends `inputs` to the workers, at most a window ahead of the result
/// awaited, and passes the results to `consume` in order.
fn hand_out_and_collect<I, O, E>(
    threads: usize,
    inputs: impl Iterator<Item = Result<I, E>>,
    tasks: mpsc::SyncSender<(usize, I)>,
    done: mpsc::Receiver<(usize, Result<O, E>)>,
    mut consume: impl FnMut(O) -> Result<(), E>,
) -> Result<(), E> {
    let mut inputs = inputs.fuse();
    let mut waiting = BTreeMap::new();
    let (mut sent, mut consumed) = (0, 0);
    let window = threads * WINDOW_PER_THREAD;
    loop {
        while sent - consumed < window {
            match inputs.next() {
                Some(input) => {
                    tasks
                        .send((sent, input?))
                        .expect("workers run while tasks are sent");
                    sent += 1;
                }
                None => break,
            }
        }
        if consumed == sent {
            return Ok(());
        }
        let (index, output) = done.recv().expect("a worker answers every task");
        waiting.insert(index, output);
        while let Some(output) = waiting.remove(&consumed) {
            consumed += 1;
            output.and_then(&mut consume)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order() {
        for threads in [1, 2, 4] {
            let mut seen = Vec::new();
            let inputs = (0..100u64).map(Ok::<u64, String>);
            map_in_order(
                threads,
                inputs,
                |n| {
                    // Later inputs finish first.
                    std::thread::sleep(std::time::Duration::from_micros((100 - n) * 20));
                    Ok(n * 2)
                },
                |n| {
                    seen.push(n);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(seen, (0..100).map(|n| n * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_first_error_stops_the_work() {
        let inputs = (0..1000u64).map(Ok::<u64, String>);
        let mut consumed = 0;
        let result = map_in_order(
            2,
            inputs,
            |n| {
                if n == 10 {
                    Err(format!("bad {n}"))
                } else {
                    Ok(n)
                }
            },
            |_| {
                consumed += 1;
                Ok(())
            },
        );
        assert_eq!(result, Err("bad 10".to_string()));
        assert_eq!(consumed, 10);
        let failing_input = (0..5u64).map(|n| {
            if n == 3 {
                Err("unreadable".to_string())
            } else {
                Ok(n)
            }
        });
        assert!(map_in_order(2, failing_input, Ok, |_| Ok(())).is_err());
    }
}
