package org.qrcred;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;

/**
 * A native object's handle. Calls hold the read lock while they use it;
 * {@link #close()} takes the write lock, so it waits for the calls in
 * progress, and later calls are refused with {@code options.invalid}: no
 * call sees freed memory.
 */
final class Handle {
    interface Call<T> {
        T call(long handle) throws Refused;
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String what;
    private final LongConsumer free;
    private long handle;

    Handle(long handle, String what, LongConsumer free) {
        this.handle = handle;
        this.what = what;
        this.free = free;
    }

    /** Runs {@code call} with the open handle, holding the read lock. */
    <T> T with(Call<T> call) throws Refused {
        lock.readLock().lock();
        try {
            if (handle == 0) {
                throw new InvalidArgumentException("options.invalid", "the " + what + " is closed");
            }
            return call.call(handle);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Frees the native object after the calls in progress end. Closing twice is allowed. */
    void close() {
        lock.writeLock().lock();
        try {
            long h = handle;
            handle = 0;
            free.accept(h);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
