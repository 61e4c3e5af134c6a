#pragma once

#include <QObject>
#include <QTimer>

#include <cstdint>

namespace soundlab::logging {
class SessionLogger;
}

namespace soundlab {

class AudioEngine;

// The `audio_engine` session log's view of the engine (SPEC §8): once a second a `status` record
// (stream state, CPU load, xrun total) and, on change, an `xrun` record (how many since the last
// look); a `stream` record (started, stopped, stalled, lost, with the device, rate, block size
// and error) within 50 ms of a change — the watchdog's tick — so that a loss followed at once by
// a start is in the log too. It reads the engine's lock-free status snapshots on a timer of the
// thread it lives on (the app's main thread); the audio thread is never asked anything.
// Parameter changes are `control` records of whoever made them: the API's changeObserver
// (api::controlLogObserver), which also sees the GUI's requests (ui/LocalBackend).
class EngineActivityLog : public QObject {
public:
    EngineActivityLog(const AudioEngine& engine, logging::SessionLogger& logger,
                      QObject* parent = nullptr);

    // One look now (the timer calls it every 50 ms; status and xruns are logged every 20th).
    void sample();

private:
    const AudioEngine& engine_;
    logging::SessionLogger& logger_;
    QTimer timer_;
    bool first_ = true;
    int tick_ = 0;
    QString lastState_;
    QString lastStream_;  // device, rate and block size, as one string to compare
    uint64_t lastXruns_ = 0;
};

}  // namespace soundlab
