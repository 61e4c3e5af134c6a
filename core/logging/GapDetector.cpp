#include "logging/GapDetector.h"

#include <cmath>

namespace soundlab::logging {

std::optional<QJsonObject> GapDetector::frame(double timestamp) {
    std::optional<QJsonObject> gap;
    if (last_ && period_ > 0.0 && timestamp - *last_ > 2.0 * period_) {
        const double span = timestamp - *last_;
        ++gaps_;
        gap = QJsonObject{{QStringLiteral("start"), *last_},
                          {QStringLiteral("end"), timestamp},
                          {QStringLiteral("duration_s"), span},
                          {QStringLiteral("missing_frames"), std::round(span / period_) - 1.0},
                          {QStringLiteral("nominal_period_s"), period_}};
    }
    if (!last_ || timestamp > *last_) last_ = timestamp;
    return gap;
}

}  // namespace soundlab::logging
