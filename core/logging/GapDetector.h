#pragma once

#include <QJsonObject>

#include <cstdint>
#include <optional>

namespace soundlab::logging {

// Finds gaps in a periodic stream (SPEC §8): consecutive frames whose timestamps are more than two
// nominal periods apart — an xrun, a stream restart, an overflowing ring, a suspended process —
// make one `gap` record: where it starts (the last frame before it), where it ends (the first
// after), and how many frames are missing. Timestamps are the frames' own (the audio they
// describe), so an analysis thread that falls behind and catches up from its ring is no gap.
// One per stream; not thread-safe (the thread that logs the stream feeds it).
class GapDetector {
public:
    explicit GapDetector(double nominalPeriodSeconds) : period_(nominalPeriodSeconds) {}

    // The stream's rate changed: gaps are measured against the new period from now on.
    void setPeriod(double nominalPeriodSeconds) { period_ = nominalPeriodSeconds; }
    // Forget the last frame (a new stream starts; its first frame is no gap).
    void reset() { last_.reset(); }

    // The `gap` record's fields when `timestamp` follows a gap, else nothing.
    std::optional<QJsonObject> frame(double timestamp);

    uint64_t gaps() const { return gaps_; }

private:
    double period_;
    std::optional<double> last_;
    uint64_t gaps_ = 0;
};

}  // namespace soundlab::logging
