#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

namespace soundlab {

// A value many threads read and a few control threads replace: each publish makes a new
// immutable copy and swaps a shared pointer to it. Readers never wait for a writer's work (a
// device open, a rescan); they copy a pointer and keep the snapshot they got alive for as long
// as they hold it. Writers are serialised among themselves, so a read–modify–write through
// update() never loses another writer's change.
//
// Threading: read() from any thread except the audio thread (it may free an old snapshot);
// publish()/update() from control threads.
template <typename T>
class Published {
public:
    explicit Published(T initial = T{}) : value_(std::make_shared<const T>(std::move(initial))) {}

    std::shared_ptr<const T> read() const { return value_.load(std::memory_order_acquire); }

    void publish(T next) {
        std::lock_guard lock(writers_);
        value_.store(std::make_shared<const T>(std::move(next)), std::memory_order_release);
    }

    // Edits a copy of the current value and publishes it, atomically with respect to other
    // writers. Returns the published value.
    T update(const std::function<void(T&)>& edit) {
        std::lock_guard lock(writers_);
        T next = *value_.load(std::memory_order_acquire);
        edit(next);
        value_.store(std::make_shared<const T>(next), std::memory_order_release);
        return next;
    }

private:
    std::atomic<std::shared_ptr<const T>> value_;
    std::mutex writers_;  // writers only; readers never take it
};

}  // namespace soundlab
