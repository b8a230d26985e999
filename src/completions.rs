//! Async calls start here (`call_async`), and their results reach their event loop in
//! batches.
//!
//! Each event loop gets one `Completions`: a queue and a way to wake the loop. A
//! call's task runs on the shared runtime and, when its response is in, pushes it on
//! the queue; only the push that finds the queue empty wakes the loop. The loop then
//! drains the whole queue in one callback on its own thread, building each result
//! (`operation::finish`) and setting it on the call's asyncio future. So a burst of
//! responses costs the loop one wake-up.
//!
//! The loop is woken through a descriptor it watches (`loop.add_reader`; which
//! descriptor is the platform's choice, `waker`), so the runtime's threads never take
//! the GIL for a call. A loop without readers (Windows' default Proactor loop), or a
//! platform without such a descriptor (Windows), gets `drain` scheduled with
//! `loop.call_soon_threadsafe` instead: the runtime thread takes the GIL once a batch.

use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyNotImplementedError, PyOSError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::capture::Pending;
use crate::config::ClientInner;
use crate::generated::shapes::OPERATIONS;
use crate::waker::Waker;

/// A call whose response is in, waiting for its loop.
struct Done {
    future: Py<PyAny>,
    client: Arc<ClientInner>,
    index: usize,
    outcome: crate::capture::Outcome,
}

struct Queue {
    done: Mutex<Vec<Done>>,
    /// Used when the queue goes from empty to not empty.
    wake: Wake,
}

/// How a loop learns that its queue is no longer empty.
enum Wake {
    /// The loop watches the waker (`loop.add_reader`); `drain` clears it.
    Reader(Waker),
    /// The loop, to schedule `drain` on (`call_soon_threadsafe`): through a weak
    /// reference (`weakref.ref`) when the loop can be weakly referenced, so that its
    /// queue does not keep it alive.
    Call { event_loop: Py<PyAny>, weak: bool },
}

impl Queue {
    fn new(wake: Wake) -> Arc<Queue> {
        Arc::new(Queue {
            done: Mutex::new(Vec::new()),
            wake,
        })
    }

    fn push(self: &Arc<Self>, done: Done) {
        let was_empty = {
            let mut q = self.done.lock().unwrap_or_else(|p| p.into_inner());
            q.push(done);
            q.len() == 1
        };
        if was_empty {
            match &self.wake {
                Wake::Reader(waker) => waker.wake(),
                Wake::Call { event_loop, weak } => self.schedule_drain(event_loop, *weak),
            }
        }
    }

    /// Has the loop call `drain` soon, from this (runtime) thread. A loop that is
    /// closed or gone never will: the batch is dropped, as its calls' futures are.
    fn schedule_drain(self: &Arc<Self>, event_loop: &Py<PyAny>, weak: bool) {
        crate::runtime::attach(|py| {
            let scheduled = || -> PyResult<bool> {
                let event_loop = if weak {
                    event_loop.bind(py).call0()?
                } else {
                    event_loop.bind(py).clone()
                };
                if event_loop.is_none() {
                    return Ok(false);
                }
                let completions = Bound::new(
                    py,
                    Completions {
                        queue: self.clone(),
                    },
                )?;
                event_loop
                    .call_method1("call_soon_threadsafe", (completions.getattr("drain")?,))?;
                Ok(true)
            };
            if !matches!(scheduled(), Ok(true)) {
                let batch =
                    std::mem::take(&mut *self.done.lock().unwrap_or_else(|p| p.into_inner()));
                drop(batch);
            }
        });
    }
}

/// One event loop's completions; the loop holds it through its reader callback.
#[pyclass(module = "bedrock_customization._core", frozen)]
pub struct Completions {
    queue: Arc<Queue>,
}

#[pymethods]
impl Completions {
    /// Run by the event loop when woken: every finished call gets its result (or
    /// exception); a cancelled one is skipped.
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        if let Wake::Reader(waker) = &self.queue.wake {
            waker.clear();
        }
        let batch = std::mem::take(&mut *self.queue.done.lock().unwrap_or_else(|p| p.into_inner()));
        // Every call of the batch gets its answer, whatever happens to another one.
        let mut first_error = None;
        for done in batch {
            if let Err(err) = complete(py, done) {
                first_error.get_or_insert(err);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// The descriptor the loop watches (`loop.add_reader`); None for a loop woken
    /// with `call_soon_threadsafe`.
    #[getter]
    fn fd(&self) -> Option<std::ffi::c_int> {
        match &self.queue.wake {
            Wake::Reader(waker) => Some(waker.fd()),
            Wake::Call { .. } => None,
        }
    }
}

/// Sets one finished call's result (or exception) on its future, unless the future
/// was cancelled while its request ran.
fn complete(py: Python<'_>, done: Done) -> PyResult<()> {
    let future = done.future.bind(py);
    if future.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    let op = &OPERATIONS[done.index];
    match crate::operation::finish(py, &done.client, op, done.outcome) {
        Ok(result) => future.call_method1("set_result", (result,))?,
        Err(err) => future.call_method1("set_exception", (err.into_value(py),))?,
    };
    Ok(())
}

/// This loop's `Completions`, made (and its reader added, when it takes one) on the
/// loop's first call. Loops are found in a `WeakKeyDictionary` (a closed, collected
/// loop takes its queue and waker with it); a loop that cannot be weakly referenced is
/// kept in a plain dict for the life of the process (such loops are few, usually one).
fn for_loop<'py>(py: Python<'py>, event_loop: &Bound<'py, PyAny>) -> PyResult<Arc<Queue>> {
    static WEAK: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    static STRONG: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
    let weak = WEAK
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("weakref")?
                    .getattr("WeakKeyDictionary")?
                    .call0()?
                    .unbind(),
            )
        })?
        .bind(py);
    let strong = STRONG.get_or_init(py, || PyDict::new(py).unbind()).bind(py);
    let known = match weak.call_method1("get", (event_loop,)) {
        Ok(found) if !found.is_none() => Some(found),
        _ => strong.get_item(event_loop)?,
    };
    if let Some(found) = known {
        if let Ok(found) = found.cast::<Completions>() {
            return Ok(found.get().queue.clone());
        }
    }
    let completions = match with_reader(py, event_loop)? {
        Some(completions) => completions,
        None => {
            // Taking the GIL on the runtime's threads: they must be stopped before the
            // interpreter finalizes (see `runtime::shutdown_runtime`).
            crate::runtime::shutdown_at_exit(py)?;
            let wake = match py.import("weakref")?.getattr("ref")?.call1((event_loop,)) {
                Ok(weak_ref) => Wake::Call {
                    event_loop: weak_ref.unbind(),
                    weak: true,
                },
                Err(_) => Wake::Call {
                    event_loop: event_loop.clone().unbind(),
                    weak: false,
                },
            };
            Bound::new(
                py,
                Completions {
                    queue: Queue::new(wake),
                },
            )?
        }
    };
    let queue = completions.get().queue.clone();
    if weak.set_item(event_loop, &completions).is_err() {
        strong.set_item(event_loop, &completions)?;
    }
    Ok(queue)
}

/// `Completions` woken through the platform's waker, whose descriptor the loop now
/// watches; None when there is no such waker on this platform (`waker::Unsupported`),
/// or the loop has no readers (`NotImplementedError`, as Windows' Proactor loop).
fn with_reader<'py>(
    py: Python<'py>,
    event_loop: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, Completions>>> {
    let waker = match Waker::new() {
        Ok(waker) => waker,
        Err(err) if err.kind() == std::io::ErrorKind::Unsupported => return Ok(None),
        Err(err) => {
            return Err(PyOSError::new_err(format!(
                "cannot make a descriptor to wake the event loop with: {err}"
            )))
        }
    };
    let fd = waker.fd();
    let completions = Bound::new(
        py,
        Completions {
            queue: Queue::new(Wake::Reader(waker)),
        },
    )?;
    match event_loop.call_method1("add_reader", (fd, completions.getattr("drain")?)) {
        Ok(_) => Ok(Some(completions)),
        Err(err) if err.is_instance_of::<PyNotImplementedError>(py) => Ok(None),
        Err(err) => Err(err),
    }
}

/// The async entry point: the same core as a sync call's (`operation::prepare`) on
/// the shared runtime, its result handed to the caller's event loop with the others
/// that finished meanwhile.
pub fn call_async<'py>(
    py: Python<'py>,
    client: &Arc<ClientInner>,
    index: usize,
    params: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    match crate::operation::prepare(py, client, index, params) {
        Ok(pending) => start(py, client, index, pending),
        // A bad call fails when awaited, like any coroutine.
        Err(err) => failed(py, err),
    }
}

/// Starts `pending` on the shared runtime and returns the asyncio future of the
/// running loop that will hold its result; cancelling the future abandons the request.
fn start<'py>(
    py: Python<'py>,
    client: &Arc<ClientInner>,
    index: usize,
    pending: Pending,
) -> PyResult<Bound<'py, PyAny>> {
    static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let event_loop = GET_RUNNING_LOOP
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("asyncio")?.getattr("get_running_loop")?.unbind())
        })?
        .bind(py)
        .call0()?;
    let queue = for_loop(py, &event_loop)?;
    let future = event_loop.call_method0("create_future")?;
    let rt = crate::runtime::runtime()?;
    let done_future = future.clone().unbind();
    let client = client.clone();
    let task = rt.spawn(async move {
        let outcome = pending.await;
        queue.push(Done {
            future: done_future,
            client,
            index,
            outcome,
        });
    });
    let abort = task.abort_handle();
    let on_done = pyo3::types::PyCFunction::new_closure(
        py,
        None,
        None,
        move |args: &Bound<'_, pyo3::types::PyTuple>,
              _kwargs: Option<&Bound<'_, PyDict>>|
              -> PyResult<()> {
            if args.get_item(0)?.call_method0("cancelled")?.is_truthy()? {
                abort.abort();
            }
            Ok(())
        },
    )?;
    future.call_method1("add_done_callback", (on_done,))?;
    Ok(future)
}

/// A call that failed before anything was sent, as an awaitable that raises it.
fn failed<'py>(py: Python<'py>, err: PyErr) -> PyResult<Bound<'py, PyAny>> {
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    future.call_method1("set_exception", (err.into_value(py),))?;
    Ok(future)
}
