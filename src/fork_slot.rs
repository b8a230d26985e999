//! A value that belongs to the process that made it. A forked child inherits the
//! parent's memory but none of its other threads: a runtime's workers, the tasks that
//! drive its connections, are the parent's. A `ForkSlot` hands its value only to the
//! process that stored it, under the key it was stored with (the shared runtime's
//! generation, for what was built against that runtime); a forked child finds it
//! empty and makes its own.
//!
//! The slot does no locking of its own: it lives in whatever guards it (a `Mutex`, or
//! a thread-local `RefCell`).
//!
//! The process is told by `std::process::id`, on every platform: where there is no
//! fork (Windows) the id never changes, and a slot is simply a cell.

/// What becomes of a value a slot finds was made by another process (the parent,
/// before the fork) when it gives the value up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inherited {
    /// Leaked: dropping it would act on what is the parent's (join worker threads
    /// that do not exist here, close an epoll instance shared with the parent).
    Leak,
    /// Dropped, as a value of this process is when it is replaced.
    Drop,
}

/// A value with the process (and key) it was stored for.
pub struct ForkSlot<T, K = ()> {
    held: Option<(u32, K, T)>,
    inherited: Inherited,
}

impl<T, K> ForkSlot<T, K> {
    pub const fn new(inherited: Inherited) -> Self {
        ForkSlot {
            held: None,
            inherited,
        }
    }
}

impl<T, K: PartialEq> ForkSlot<T, K> {
    /// The value, if this process stored it with this key.
    pub fn get(&self, key: &K) -> Option<&T> {
        self.get_in(std::process::id(), key)
    }

    /// Stores `value` for this process and `key` in place of the value held (given up:
    /// see `Inherited`).
    pub fn set(&mut self, key: K, value: T) {
        self.set_in(std::process::id(), key, value)
    }

    /// The value this process stored with `key`; otherwise the value held is given up
    /// first, then `make`'s is stored. When `make` fails the slot is left empty.
    pub fn get_or_try_init<E>(
        &mut self,
        key: K,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<&T, E> {
        self.get_or_try_init_in(std::process::id(), key, make)
    }

    /// Empties the slot: the value if this process stored it (with any key); an
    /// inherited one is given up.
    pub fn take(&mut self) -> Option<T> {
        self.take_in(std::process::id())
    }

    fn get_in(&self, pid: u32, key: &K) -> Option<&T> {
        match &self.held {
            Some((owner, held_key, value)) if *owner == pid && held_key == key => Some(value),
            _ => None,
        }
    }

    fn set_in(&mut self, pid: u32, key: K, value: T) {
        let old = self.held.replace((pid, key, value));
        self.give_up(old, pid);
    }

    fn get_or_try_init_in<E>(
        &mut self,
        pid: u32,
        key: K,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<&T, E> {
        let held = match self.held.take() {
            Some(held) if held.0 == pid && held.1 == key => held,
            old => {
                self.give_up(old, pid);
                (pid, key, make()?)
            }
        };
        Ok(&self.held.insert(held).2)
    }

    fn take_in(&mut self, pid: u32) -> Option<T> {
        match self.held.take() {
            Some((owner, _, value)) if owner == pid => Some(value),
            old => {
                self.give_up(old, pid);
                None
            }
        }
    }

    /// Drops `old`, unless it was inherited and the slot leaks what it inherits.
    fn give_up(&self, old: Option<(u32, K, T)>, pid: u32) {
        if let Some((owner, _, value)) = old {
            if owner != pid && self.inherited == Inherited::Leak {
                std::mem::forget(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ForkSlot, Inherited};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Counts its drops.
    struct Counted(u32, Arc<AtomicUsize>);

    impl Drop for Counted {
        fn drop(&mut self) {
            self.1.fetch_add(1, Ordering::SeqCst);
        }
    }

    const PARENT: u32 = 100;
    const CHILD: u32 = 101;

    fn ok(value: u32, drops: &Arc<AtomicUsize>) -> Result<Counted, ()> {
        Ok(Counted(value, drops.clone()))
    }

    #[test]
    fn a_value_is_only_for_its_process_and_key() {
        let drops = Arc::new(AtomicUsize::new(0));
        let mut slot: ForkSlot<Counted, u64> = ForkSlot::new(Inherited::Drop);
        assert!(slot.get_in(PARENT, &1).is_none());
        slot.set_in(PARENT, 1, Counted(7, drops.clone()));
        assert_eq!(slot.get_in(PARENT, &1).map(|c| c.0), Some(7));
        assert!(slot.get_in(PARENT, &2).is_none());
        assert!(slot.get_in(CHILD, &1).is_none());
        // Found as stored: `make` does not run.
        let found = slot.get_or_try_init_in(PARENT, 1, || -> Result<Counted, ()> {
            panic!("made again")
        });
        assert_eq!(found.map(|c| c.0), Ok(7));
        assert_eq!(drops.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn an_outdated_value_of_this_process_is_dropped() {
        for inherited in [Inherited::Leak, Inherited::Drop] {
            let drops = Arc::new(AtomicUsize::new(0));
            let mut slot: ForkSlot<Counted, u64> = ForkSlot::new(inherited);
            slot.set_in(PARENT, 1, Counted(1, drops.clone()));
            slot.set_in(PARENT, 2, Counted(2, drops.clone()));
            assert_eq!(drops.load(Ordering::SeqCst), 1);
            let made = slot.get_or_try_init_in(PARENT, 3, || ok(3, &drops));
            assert_eq!(made.map(|c| c.0), Ok(3));
            assert_eq!(drops.load(Ordering::SeqCst), 2);
        }
    }

    #[test]
    fn an_inherited_value_is_leaked_or_dropped_as_the_slot_says() {
        for (inherited, dropped) in [(Inherited::Leak, 0), (Inherited::Drop, 1)] {
            let drops = Arc::new(AtomicUsize::new(0));
            let mut slot: ForkSlot<Counted> = ForkSlot::new(inherited);
            slot.set_in(PARENT, (), Counted(1, drops.clone()));
            let made = slot.get_or_try_init_in(CHILD, (), || ok(2, &drops));
            assert_eq!(made.map(|c| c.0), Ok(2));
            assert_eq!(drops.load(Ordering::SeqCst), dropped);

            let drops = Arc::new(AtomicUsize::new(0));
            let mut slot: ForkSlot<Counted> = ForkSlot::new(inherited);
            slot.set_in(PARENT, (), Counted(1, drops.clone()));
            slot.set_in(CHILD, (), Counted(2, drops.clone()));
            assert_eq!(drops.load(Ordering::SeqCst), dropped);

            let drops = Arc::new(AtomicUsize::new(0));
            let mut slot: ForkSlot<Counted> = ForkSlot::new(inherited);
            slot.set_in(PARENT, (), Counted(1, drops.clone()));
            assert!(slot.take_in(CHILD).is_none());
            assert_eq!(drops.load(Ordering::SeqCst), dropped);
            assert!(slot.get_in(PARENT, &()).is_none());
        }
    }

    #[test]
    fn a_failed_make_leaves_the_slot_empty() {
        let drops = Arc::new(AtomicUsize::new(0));
        let mut slot: ForkSlot<Counted> = ForkSlot::new(Inherited::Leak);
        slot.set_in(PARENT, (), Counted(1, drops.clone()));
        let failed = slot.get_or_try_init_in(CHILD, (), || Err("no runtime"));
        assert!(matches!(failed, Err("no runtime")));
        assert!(slot.get_in(PARENT, &()).is_none());
        assert!(slot.take_in(CHILD).is_none());
        assert_eq!(drops.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn take_hands_over_this_process_value() {
        let drops = Arc::new(AtomicUsize::new(0));
        let mut slot: ForkSlot<Counted, u64> = ForkSlot::new(Inherited::Leak);
        slot.set_in(PARENT, 4, Counted(9, drops.clone()));
        assert_eq!(slot.take_in(PARENT).map(|c| c.0), Some(9));
        assert!(slot.take_in(PARENT).is_none());
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }
}
