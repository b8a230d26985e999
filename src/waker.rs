//! What wakes an event loop from the runtime's threads: a descriptor the loop watches
//! (`loop.add_reader`), made readable by `wake` and emptied again by `clear`. The
//! platform decides which, here and nowhere else (`Waker`):
//!
//! - Linux: an eventfd (one descriptor, a counter): the fast path;
//! - the other Unixes (macOS, the BSDs): a self-pipe, both ends non-blocking and
//!   close-on-exec (`pipe` and `fcntl`: macOS has neither eventfd nor `pipe2`);
//! - elsewhere (Windows): none. `Waker::new` fails with `Unsupported`, and the loop is
//!   woken with `loop.call_soon_threadsafe` instead (`completions`), as any loop
//!   without readers is (Windows' default Proactor loop has no `add_reader`).
//!
//! The pipe is also compiled into Linux test builds and tested there alongside the
//! eventfd, so that its code is built and run where only Linux can be built.
//!
//! Nothing here panics or reports an error after `new`: a write that finds the
//! descriptor full (the pipe's buffer, the eventfd's counter) means the loop is already
//! due to read it, a read that finds it empty means there was nothing to clear, and an
//! interrupted call is retried.

#[cfg(target_os = "linux")]
pub type Waker = eventfd::Eventfd;
#[cfg(all(unix, not(target_os = "linux")))]
pub type Waker = pipe::Pipe;
#[cfg(not(unix))]
pub type Waker = Unsupported;

/// Writes and reads that retry when a signal interrupts them and otherwise give up
/// quietly (see the module's note).
#[cfg(unix)]
mod sys {
    use std::os::fd::{AsRawFd, OwnedFd};

    fn interrupted() -> bool {
        std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
    }

    pub fn write(fd: &OwnedFd, bytes: &[u8]) {
        loop {
            // SAFETY: writes from a live slice to a descriptor `fd` keeps open.
            let n = unsafe { libc::write(fd.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
            if n >= 0 || !interrupted() {
                return;
            }
        }
    }

    /// The number of bytes read: 0 when there was nothing to read.
    pub fn read(fd: &OwnedFd, buf: &mut [u8]) -> usize {
        loop {
            // SAFETY: reads at most `buf.len()` bytes into a live buffer from a
            // descriptor `fd` keeps open.
            let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n >= 0 || !interrupted() {
                return usize::try_from(n).unwrap_or(0);
            }
        }
    }
}

#[cfg(target_os = "linux")]
pub mod eventfd {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    /// A non-blocking, close-on-exec eventfd.
    pub struct Eventfd(OwnedFd);

    impl Eventfd {
        pub fn new() -> io::Result<Self> {
            // SAFETY: eventfd takes no pointers; the result is checked before use.
            let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: `fd` is a new descriptor nothing else owns.
            Ok(Eventfd(unsafe { OwnedFd::from_raw_fd(fd) }))
        }

        /// Adds one to the counter: the descriptor is readable until `clear`.
        pub fn wake(&self) {
            super::sys::write(&self.0, &1u64.to_ne_bytes());
        }

        /// Reads the counter back to zero (nothing to read when it is zero already).
        pub fn clear(&self) {
            let mut count = [0u8; 8];
            super::sys::read(&self.0, &mut count);
        }

        /// The descriptor the loop watches.
        pub fn fd(&self) -> c_int {
            self.0.as_raw_fd()
        }
    }
}

#[cfg(all(unix, any(test, not(target_os = "linux"))))]
pub mod pipe {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    /// A self-pipe: the loop watches the read end, `wake` writes a byte to the other.
    pub struct Pipe {
        read: OwnedFd,
        write: OwnedFd,
    }

    /// Sets `flag` in the flags `get` reads and `set` writes (`fcntl`).
    fn add_flag(fd: &OwnedFd, get: c_int, set: c_int, flag: c_int) -> io::Result<()> {
        // SAFETY: fcntl on a descriptor `fd` keeps open; these commands take an int or
        // nothing, and their results are checked.
        unsafe {
            let flags = libc::fcntl(fd.as_raw_fd(), get);
            if flags < 0 || libc::fcntl(fd.as_raw_fd(), set, flags | flag) < 0 {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(())
    }

    impl Pipe {
        pub fn new() -> io::Result<Self> {
            let mut fds: [c_int; 2] = [-1, -1];
            // SAFETY: pipe writes two descriptors into a live array of two.
            if unsafe { libc::pipe(fds.as_mut_ptr()) } < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: both are new descriptors nothing else owns; from here on they are
            // closed on every return, an error's included.
            let (read, write) =
                unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
            for fd in [&read, &write] {
                add_flag(fd, libc::F_GETFD, libc::F_SETFD, libc::FD_CLOEXEC)?;
                add_flag(fd, libc::F_GETFL, libc::F_SETFL, libc::O_NONBLOCK)?;
            }
            Ok(Pipe { read, write })
        }

        /// Writes a byte: the read end is readable until `clear`. A full pipe (a
        /// wake-up already pending many times over) takes no more, and needs none.
        pub fn wake(&self) {
            super::sys::write(&self.write, &[1]);
        }

        /// Reads every byte written so far.
        pub fn clear(&self) {
            let mut buf = [0u8; 256];
            while super::sys::read(&self.read, &mut buf) == buf.len() {}
        }

        /// The read end, which the loop watches.
        pub fn fd(&self) -> c_int {
            self.read.as_raw_fd()
        }
    }
}

/// No descriptor to wake a loop with (Windows): the loop is woken by a call instead.
/// There is no value of this type, so its methods are never called.
#[cfg(not(unix))]
pub enum Unsupported {}

#[cfg(not(unix))]
impl Unsupported {
    pub fn new() -> std::io::Result<Self> {
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "no descriptor to wake an event loop with on this platform",
        ))
    }

    pub fn wake(&self) {
        match *self {}
    }

    pub fn clear(&self) {
        match *self {}
    }

    pub fn fd(&self) -> std::ffi::c_int {
        match *self {}
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::ffi::c_int;
    use std::time::Duration;

    /// Whether `fd` is readable within `ms` milliseconds.
    fn readable(fd: c_int, ms: c_int) -> bool {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: polls one live pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        assert!(n >= 0, "poll: {}", std::io::Error::last_os_error());
        n == 1 && pfd.revents & libc::POLLIN != 0
    }

    fn has_flag(fd: c_int, get: c_int, flag: c_int) -> bool {
        // SAFETY: fcntl's get commands on a live descriptor.
        let flags = unsafe { libc::fcntl(fd, get) };
        assert!(flags >= 0, "fcntl: {}", std::io::Error::last_os_error());
        flags & flag != 0
    }

    /// The same tests for each kind of waker compiled here.
    macro_rules! waker_tests {
        ($name:ident, $waker:ty) => {
            mod $name {
                use super::{has_flag, readable, Duration};

                #[test]
                fn is_non_blocking_and_close_on_exec() {
                    let w = <$waker>::new().unwrap();
                    assert!(has_flag(w.fd(), libc::F_GETFL, libc::O_NONBLOCK));
                    assert!(has_flag(w.fd(), libc::F_GETFD, libc::FD_CLOEXEC));
                }

                #[test]
                fn wake_makes_it_readable_and_clear_empties_it() {
                    let w = <$waker>::new().unwrap();
                    assert!(!readable(w.fd(), 0));
                    w.clear(); // nothing to read: returns at once
                    w.wake();
                    assert!(readable(w.fd(), 0));
                    w.clear();
                    assert!(!readable(w.fd(), 0));
                    // Many wake-ups, one clear.
                    for _ in 0..1000 {
                        w.wake();
                    }
                    assert!(readable(w.fd(), 0));
                    w.clear();
                    assert!(!readable(w.fd(), 0));
                }

                #[test]
                fn waking_past_full_neither_blocks_nor_loses_the_wake_up() {
                    let w = <$waker>::new().unwrap();
                    // More than a pipe's buffer (64 KiB on Linux, 16 KiB on macOS).
                    for _ in 0..200_000 {
                        w.wake();
                    }
                    assert!(readable(w.fd(), 0));
                    w.clear();
                    assert!(!readable(w.fd(), 0));
                    w.wake();
                    assert!(readable(w.fd(), 0));
                }

                #[test]
                fn a_wake_up_from_another_thread_ends_a_wait() {
                    let w = std::sync::Arc::new(<$waker>::new().unwrap());
                    let fd = w.fd();
                    let other = w.clone();
                    let t = std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_millis(50));
                        other.wake();
                    });
                    assert!(readable(fd, 10_000));
                    t.join().unwrap();
                    w.clear();
                    assert!(!readable(fd, 0));
                }
            }
        };
    }

    #[cfg(target_os = "linux")]
    waker_tests!(eventfd, crate::waker::eventfd::Eventfd);
    waker_tests!(pipe, crate::waker::pipe::Pipe);
}
