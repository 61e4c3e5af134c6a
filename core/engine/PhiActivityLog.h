#pragma once

#include <QObject>
#include <QTimer>

#include "phi/PhiTypes.h"

#include <cstdint>

namespace soundlab::logging {
class SessionLogger;
}

namespace soundlab {

class AudioEngine;

// The `phi_modulator` session log (SPEC §8, issue 10/13): the Φ state at 10 Hz (`state`), every
// source switch as asked for (`switch`: from, to), the crossfade as the audio thread ran it
// (`crossfade_start`, `crossfade_end`, stamped with the time of the block that began or ended
// it), sensor data going stale or fresh again (`sensor_stale`), and — through the sensor inbox's
// observer — every accepted sensor sample (`sensor`), so "nothing lost" can be checked against
// the `received`/`applied` counters.
//
// It polls the engine's published Φ snapshots at 50 Hz on the thread it lives on (the app's main
// thread): a 100 ms crossfade is always seen, and the audio thread is never asked anything.
class PhiActivityLog : public QObject {
public:
    PhiActivityLog(AudioEngine& engine, logging::SessionLogger& logger, QObject* parent = nullptr);
    ~PhiActivityLog() override;

    void sample();

private:
    // Unix seconds of a block's steady-clock time (phi::State::blockNs).
    static double unixTimeOf(int64_t steadyNs);

    AudioEngine& engine_;
    logging::SessionLogger& logger_;
    QTimer timer_;
    int ticks_ = 0;
    bool first_ = true;
    phi::Mode requestedMode_ = phi::Mode::Manual;
    bool fading_ = false;
    bool stale_ = false;
};

}  // namespace soundlab
