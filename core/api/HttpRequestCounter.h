#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace soundlab::api {

// Answers per status class (1xx … 5xx) for GET /metrics. The server thread counts, and any
// thread may read: relaxed atomics suffice, since each counter only grows and is read alone.
class HttpRequestCounter {
public:
    static constexpr int kClasses = 5;

    void count(int status) {
        const int index = status / 100 - 1;
        if (index >= 0 && index < kClasses) counts_[index].fetch_add(1, std::memory_order_relaxed);
    }
    // `statusClass` 1 … 5 ("2xx" is 2).
    std::uint64_t answered(int statusClass) const {
        const int index = statusClass - 1;
        return index >= 0 && index < kClasses ? counts_[index].load(std::memory_order_relaxed) : 0;
    }

private:
    std::array<std::atomic<std::uint64_t>, kClasses> counts_{};
};

}  // namespace soundlab::api
