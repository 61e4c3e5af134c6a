#pragma once

#include "dsp/ParameterError.h"
#include "phi/PhiTypes.h"

#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace soundlab::phi {

// One sensor sample as a client pushes it. Absent fields keep the previous reading's value.
struct SensorSample {
    std::optional<double> t;  // the sensor's time, Unix seconds; arrival time when absent
    std::optional<double> heartRateBpm;
    std::optional<double> gsr;
    std::optional<double> accelX, accelY, accelZ;
};

// What the control side knows about the sensor stream (GET /api/phi `sensor`).
struct SensorStatus {
    SensorValues values;
    std::optional<double> ageSeconds;  // since the latest sample's time; empty before any
    bool stale = false;                // older than 2 s (the values hold)
    uint64_t received = 0;             // samples accepted
    uint64_t applied = 0;              // samples handed to the controller, in t order
};

// The control side of the `sensor` source: validates pushed samples (out of range: errors naming
// the field and its range, nothing applied), applies a batch in `t` order (the last one holds),
// counts, and tells how old the data is. The clock is a parameter (Unix seconds) so that tests
// can move time. Any non-audio thread; a short lock of its own.
class SensorInbox {
public:
    using Clock = std::function<double()>;
    using Sink = std::function<void(const SensorValues&)>;

    explicit SensorInbox(Sink sink, Clock clock = systemClock());

    static Clock systemClock();
    // Checks every sample first; `field` prefixes are "[i]." for a batch (empty for one sample).
    static std::vector<dsp::ParameterError> validate(const std::vector<SensorSample>& samples,
                                                     bool batch);
    // Validates, then applies all in t order. Any error: nothing applied, nothing counted.
    std::vector<dsp::ParameterError> push(std::vector<SensorSample> samples, bool batch);
    SensorStatus status() const;

    // Told of every accepted sample (its `t` filled in), in the order applied, on the pushing
    // thread and under the inbox's lock: it must not block or push. The session log's Φ
    // category uses it (engine/PhiActivityLog). Empty: none.
    using Observer = std::function<void(const SensorSample&)>;
    void setObserver(Observer observer);

private:
    Sink sink_;
    Clock clock_;
    mutable std::mutex mutex_;
    SensorValues values_;
    std::optional<double> latestTime_;
    uint64_t received_ = 0;
    uint64_t applied_ = 0;
    Observer observer_;
};

}  // namespace soundlab::phi
