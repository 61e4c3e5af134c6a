#pragma once

#include "api/LatencyRoutes.h"

#include <QObject>
#include <QTimer>

#include <cstdint>

namespace soundlab::logging {
class SessionLogger;
}

namespace soundlab::api {

// The `latency` session log (SPEC §8): the latency frame at 10 Hz (`frame`, the fields of
// /api/latency/current), and every calibration as it starts (`calibration_start`) and ends
// (`calibration`: state, verdict, round trip, quality, polarity, duration, error). It polls the
// same functions the routes answer with, on a timer of the thread it lives on (the main thread).
class LatencyActivityLog : public QObject {
public:
    LatencyActivityLog(LatencyApi latency, logging::SessionLogger& logger,
                       QObject* parent = nullptr);

    void sample();

private:
    LatencyApi latency_;
    logging::SessionLogger& logger_;
    QTimer timer_;
    qint64 startedId_ = 0;
    qint64 finishedId_ = 0;
};

}  // namespace soundlab::api
