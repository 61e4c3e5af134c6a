#pragma once

// ThreadSanitizer sees the synchronisation of std::mutex, std::atomic and std::thread, but not the
// hand-offs made inside libraries that are not instrumented: a Qt queued invocation or thread-pool
// task passes through a QMutex inside libQt6Core, and libjack calls back on threads it wakes
// through the JACK server. In a TSan build (scripts/sanitize.sh tsan) everything the task or
// callback then reads would be reported as a race. A HandOff tells TSan of such an edge: what a
// thread did before release() happens before what another does after acquire() on the same
// HandOff. In every other build both are empty and inline away.

#include <utility>

#if defined(__SANITIZE_THREAD__)
#define SOUNDLAB_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SOUNDLAB_TSAN 1
#endif
#endif

#if defined(SOUNDLAB_TSAN)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
#endif

namespace soundlab::rt {

class HandOff {
public:
    // On the thread handing over, after its last write the other thread relies on.
    void release() {
#if defined(SOUNDLAB_TSAN)
        __tsan_release(this);
#endif
    }
    // On the thread taking over, before its first read.
    void acquire() {
#if defined(SOUNDLAB_TSAN)
        __tsan_acquire(this);
#endif
    }
};

// A task for Qt to run on another thread (QMetaObject::invokeMethod with a queued or blocking
// connection, QThreadPool::start), with the hand-offs made visible both ways. Qt copies the task
// into storage of its own on the posting thread: each copy releases once made, and a run
// acquires before it reads anything, the task's captures included. A run releases when done and
// a copy acquires before it is destroyed, so a blocking caller (which destroys Qt's copy once the
// run returns) sees what the run wrote. One edge per kind of task. Outside TSan builds: the task
// itself.
#if defined(SOUNDLAB_TSAN)
template <typename Task>
class HandedOver {
public:
    explicit HandedOver(Task task) : task_(std::move(task)) { edge().release(); }
    HandedOver(const HandedOver& other) : task_(other.task_) { edge().release(); }
    HandedOver(HandedOver&& other) noexcept : task_(std::move(other.task_)) { edge().release(); }
    HandedOver& operator=(const HandedOver&) = delete;
    HandedOver& operator=(HandedOver&&) = delete;
    ~HandedOver() { edge().acquire(); }

    void operator()() {
        edge().acquire();
        task_();
        edge().release();
    }

private:
    static HandOff& edge() {
        static HandOff e;
        return e;
    }
    Task task_;
};
#endif

template <typename Task>
auto handedOver(Task task) {
#if defined(SOUNDLAB_TSAN)
    return HandedOver<Task>(std::move(task));
#else
    return task;
#endif
}

}  // namespace soundlab::rt
