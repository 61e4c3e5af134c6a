#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace soundlab {

// Wait-free single-producer/single-consumer ring of trivially copyable values, for sample
// streams that leave the audio thread in bulk. Capacity is fixed at construction; push() never
// allocates and never blocks: it writes what fits and returns how many it wrote.
//
// Threading: exactly one thread calls push(), exactly one (other) thread calls pop().
template <typename T>
class SpscRing {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    explicit SpscRing(size_t capacity) : buffer_(roundUpToPowerOfTwo(capacity + 1)) {
        mask_ = buffer_.size() - 1;
    }

    size_t capacity() const { return buffer_.size() - 1; }

    // Producer side.
    size_t push(const T* data, size_t count) {
        const size_t write = write_.load(std::memory_order_relaxed);
        const size_t read = read_.load(std::memory_order_acquire);
        const size_t free = capacity() - (write - read);
        const size_t n = std::min(count, free);
        for (size_t i = 0; i < n; ++i) buffer_[(write + i) & mask_] = data[i];
        write_.store(write + n, std::memory_order_release);
        return n;
    }

    // Consumer side.
    size_t pop(T* data, size_t count) {
        const size_t read = read_.load(std::memory_order_relaxed);
        const size_t write = write_.load(std::memory_order_acquire);
        const size_t n = std::min(count, write - read);
        for (size_t i = 0; i < n; ++i) data[i] = buffer_[(read + i) & mask_];
        read_.store(read + n, std::memory_order_release);
        return n;
    }

    // Producer side: how many values push() would accept now.
    size_t writable() const {
        return capacity() -
               (write_.load(std::memory_order_relaxed) - read_.load(std::memory_order_acquire));
    }

    // Consumer side: how many values pop() would return now.
    size_t available() const {
        return write_.load(std::memory_order_acquire) - read_.load(std::memory_order_acquire);
    }

private:
    static size_t roundUpToPowerOfTwo(size_t n) {
        size_t p = 1;
        while (p < n) p <<= 1;
        return p;
    }

    std::vector<T> buffer_;
    size_t mask_ = 0;
    // Monotonic counters; their difference is the fill level (wraps safely in size_t).
    alignas(64) std::atomic<size_t> write_{0};
    alignas(64) std::atomic<size_t> read_{0};
};

}  // namespace soundlab
