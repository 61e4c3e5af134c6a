#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace soundlab {

// A small value one writer replaces often and many threads read without ever waiting or
// allocating (a sequence lock): the writer makes the sequence odd, stores the value, makes it
// even again; a reader copies the value and retries if the sequence moved meanwhile. The value
// is held in atomic words, so a torn copy is never undefined behaviour, only retried.
//
// Threading: publish() from one thread at a time (callers serialise writers themselves);
// read() from any thread. Neither blocks, neither allocates.
template <typename T>
class SeqLock {
    static_assert(std::is_trivially_copyable_v<T>);
    static constexpr size_t kWords = (sizeof(T) + sizeof(uint64_t) - 1) / sizeof(uint64_t);

public:
    explicit SeqLock(const T& initial = T{}) { publish(initial); }

    void publish(const T& value) {
        std::array<uint64_t, kWords> words{};
        std::memcpy(words.data(), &value, sizeof(T));
        const uint64_t s = sequence_.load(std::memory_order_relaxed);
        sequence_.store(s + 1, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_release);
        for (size_t i = 0; i < kWords; ++i) words_[i].store(words[i], std::memory_order_relaxed);
        sequence_.store(s + 2, std::memory_order_release);
    }

    T read() const {
        std::array<uint64_t, kWords> words{};
        for (;;) {
            const uint64_t before = sequence_.load(std::memory_order_acquire);
            for (size_t i = 0; i < kWords; ++i)
                words[i] = words_[i].load(std::memory_order_relaxed);
            std::atomic_thread_fence(std::memory_order_acquire);
            if ((before & 1u) == 0 && sequence_.load(std::memory_order_relaxed) == before) break;
        }
        T value;
        std::memcpy(static_cast<void*>(&value), words.data(), sizeof(T));
        return value;
    }

private:
    std::atomic<uint64_t> sequence_{0};
    std::array<std::atomic<uint64_t>, kWords> words_{};
};

}  // namespace soundlab
