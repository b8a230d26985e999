//! Async calls start here (`call_async`), and their results reach their event loop in
//! batches.
//!
//! Each event loop gets one `Completions`: a queue and an eventfd the loop watches
//! (`loop.add_reader`). A call's task runs on the shared runtime and, when its
//! response is in, pushes it on the queue without the GIL; only the push that finds
//! the queue empty writes to the eventfd. The loop then drains the whole queue in
//! one callback on its own thread, building each result (`operation::finish`) and
//! setting it on the call's asyncio future. So the runtime's threads never take the
//! GIL for a call, and a burst of responses costs the loop one wake-up.

use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::capture::Pending;
use crate::config::ClientInner;
use crate::generated::shapes::OPERATIONS;

/// A call whose response is in, waiting for its loop.
struct Done {
    future: Py<PyAny>,
    client: Arc<ClientInner>,
    index: usize,
    outcome: crate::capture::Outcome,
}

struct Queue {
    done: Mutex<Vec<Done>>,
    /// Written when the queue goes from empty to not empty; read by `drain`.
    eventfd: std::os::fd::OwnedFd,
}

impl Queue {
    fn push(&self, done: Done) {
        let was_empty = {
            let mut q = self.done.lock().unwrap_or_else(|p| p.into_inner());
            q.push(done);
            q.len() == 1
        };
        if was_empty {
            let one: u64 = 1;
            // SAFETY: writes 8 bytes from a live u64 to an eventfd this queue owns.
            // A full counter (never, at 2^64 - 1) would only mean the loop is
            // already due to drain.
            unsafe {
                libc::write(
                    std::os::fd::AsRawFd::as_raw_fd(&self.eventfd),
                    (&one as *const u64).cast(),
                    8,
                );
            }
        }
    }
}

/// One event loop's completions; the loop holds it through its reader callback.
#[pyclass(module = "bedrock_customization._core", frozen)]
pub struct Completions {
    queue: Arc<Queue>,
}

#[pymethods]
impl Completions {
    /// Run by the event loop when the eventfd is readable: every finished call
    /// gets its result (or exception); a cancelled one is skipped.
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        let mut count = [0u8; 8];
        // SAFETY: reads at most 8 bytes into a live buffer from our own
        // non-blocking eventfd (EAGAIN when already read: harmless).
        unsafe {
            libc::read(
                std::os::fd::AsRawFd::as_raw_fd(&self.queue.eventfd),
                count.as_mut_ptr().cast(),
                8,
            );
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

    /// The eventfd, for `loop.add_reader`.
    #[getter]
    fn fd(&self) -> i32 {
        std::os::fd::AsRawFd::as_raw_fd(&self.queue.eventfd)
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

/// This loop's `Completions`, made (and its reader added) on the loop's first call.
/// Loops are found in a `WeakKeyDictionary` (a closed, collected loop takes its
/// queue and eventfd with it); a loop that cannot be weakly referenced is kept in a
/// plain dict for the life of the process (such loops are few, usually one).
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
    // SAFETY: eventfd takes no pointers; the result is checked before use.
    let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
    if fd < 0 {
        return Err(PyOSError::new_err(format!(
            "cannot make an eventfd: {}",
            std::io::Error::last_os_error()
        )));
    }
    // SAFETY: `fd` is a new descriptor nothing else owns.
    let eventfd = unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    let queue = Arc::new(Queue {
        done: Mutex::new(Vec::new()),
        eventfd,
    });
    let completions = Bound::new(
        py,
        Completions {
            queue: queue.clone(),
        },
    )?;
    if weak.set_item(event_loop, &completions).is_err() {
        strong.set_item(event_loop, &completions)?;
    }
    event_loop.call_method1("add_reader", (fd, completions.getattr("drain")?))?;
    Ok(queue)
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
