#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <type_traits>

namespace soundlab {

// Hands the latest value of a plain struct from one writer thread to one reader thread,
// wait-free: write() never blocks and never fails, and the reader gets the newest value published
// since it last looked (older ones it missed are simply superseded). For parameters, where only
// the latest matters and a queue could fill up and drop a change.
//
// Threading: one writer at a time, one reader at a time (callers serialise each side).
template <typename T>
class TripleBuffer {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    // Writer side.
    void write(const T& value) {
        buffers_[back_] = value;
        // Publish: our back buffer becomes the middle one; the old middle is our next back.
        back_ = middle_.exchange(uint8_t(back_ | kFresh), std::memory_order_acq_rel) & kIndex;
    }

    // Reader side: copies the newest value into `out` and returns true, or returns false when
    // nothing was written since the last read.
    bool read(T* out) {
        if (!(middle_.load(std::memory_order_acquire) & kFresh)) return false;
        front_ = middle_.exchange(front_, std::memory_order_acq_rel) & kIndex;
        *out = buffers_[front_];
        return true;
    }

private:
    static constexpr uint8_t kIndex = 0x3;
    static constexpr uint8_t kFresh = 0x4;  // the middle buffer holds a value not yet read

    std::array<T, 3> buffers_{};
    std::atomic<uint8_t> middle_{1};
    uint8_t back_ = 0;   // writer only
    uint8_t front_ = 2;  // reader only
};

}  // namespace soundlab
