//! A counting global allocator for the tests that measure memory
//! (`tests/limits.rs`, `tests/bundle_scale.rs`): it forwards to the system
//! allocator unchanged and keeps the bytes allocated now and at the peak.
//! Include it with `#[path = "support/counting.rs"] mod counting;`.

// A global allocator can only be written with `unsafe`; the library itself
// forbids unsafe code.
#![allow(unsafe_code)]
// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts bytes currently allocated and the peak since the last reset.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Tests in this file measure the one process-wide counter: one at a time.
pub static SERIAL: Mutex<()> = Mutex::new(());

/// Runs `f` and returns its result with the peak bytes it allocated on top
/// of what was allocated before.
pub fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let out = f();
    (out, PEAK.load(Ordering::SeqCst) - base)
}

/// Bytes allocated right now.
pub fn current() -> usize {
    CURRENT.load(Ordering::SeqCst)
}
