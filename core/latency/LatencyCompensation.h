#pragma once

#include <QString>
#include <atomic>
#include <mutex>
#include <optional>

namespace soundlab::latency {

// The user's corrections of SPEC §6: a compensation offset and a manual offset, both in ms,
// 0 by default. They never delay the live output; they are subtracted from the measured total
// (`effective_latency_ms`) and will shift the heard-time stamps once the shared time base exists.
// Ranges are the seed's. Out-of-range values are refused (nothing changes) with a message.
//
// Threading: any thread; readers never wait (atomics), writers take a short lock so that an
// adjust is one read–modify–write.
class LatencyCompensation {
public:
    static constexpr double kMaxCompensationMs = 200.0;  // set: 0 … 200
    static constexpr double kMaxAdjustMs = 50.0;         // adjust: −50 … +50 per call
    static constexpr double kMaxManualMs = 50.0;         // manual: −50 … +50

    double compensationMs() const { return compensation_.load(std::memory_order_relaxed); }
    double manualMs() const { return manual_.load(std::memory_order_relaxed); }

    std::optional<QString> setCompensation(double ms) {
        if (!(ms >= 0.0 && ms <= kMaxCompensationMs))
            return QStringLiteral("offset_ms must be within 0 and %1 ms, got %2")
                .arg(kMaxCompensationMs)
                .arg(ms);
        std::lock_guard lock(writers_);
        compensation_.store(ms, std::memory_order_relaxed);
        return std::nullopt;
    }
    std::optional<QString> adjustCompensation(double deltaMs) {
        if (!(deltaMs >= -kMaxAdjustMs && deltaMs <= kMaxAdjustMs))
            return QStringLiteral("delta_ms must be within -%1 and %1 ms, got %2")
                .arg(kMaxAdjustMs)
                .arg(deltaMs);
        std::lock_guard lock(writers_);
        const double next = compensation_.load(std::memory_order_relaxed) + deltaMs;
        if (!(next >= 0.0 && next <= kMaxCompensationMs))
            return QStringLiteral(
                       "delta_ms %1 would take the compensation offset to %2 ms, outside 0 and "
                       "%3 ms")
                .arg(deltaMs)
                .arg(next)
                .arg(kMaxCompensationMs);
        compensation_.store(next, std::memory_order_relaxed);
        return std::nullopt;
    }
    std::optional<QString> setManual(double ms) {
        if (!(ms >= -kMaxManualMs && ms <= kMaxManualMs))
            return QStringLiteral("offset_ms must be within -%1 and %1 ms, got %2")
                .arg(kMaxManualMs)
                .arg(ms);
        std::lock_guard lock(writers_);
        manual_.store(ms, std::memory_order_relaxed);
        return std::nullopt;
    }

private:
    std::mutex writers_;
    std::atomic<double> compensation_{0.0};
    std::atomic<double> manual_{0.0};
};

}  // namespace soundlab::latency
