#pragma once

#include "settings/CommandLine.h"

#include <QStringList>

namespace soundlab {

class AudioEngine;
namespace metrics {
class MetricsAnalyzer;
}

// What a reload (SIGHUP, `systemctl reload soundlab`) did with the settings read again.
struct ReloadOutcome {
    QStringList applied;      // setting names now in effect ("sample-rate", "phi-mode")
    QStringList needRestart;  // changed, but only a restart applies them ("port")
    QStringList failed;       // refused by the engine, with its reason
};

// Applies the settings of `next` that differ from `running` and can change while running: the
// audio stream's devices, rate and block size (the stream restarts), the Φ defaults, the
// metrics rate; through the same functions the API's routes call. `running` is updated to what
// is now in effect.
ReloadOutcome applyReloadedSettings(AppOptions& running, const AppOptions& next,
                                    AudioEngine& engine, metrics::MetricsAnalyzer& metrics);

}  // namespace soundlab
