#pragma once

#include "api/OscServer.h"
#include "api/Route.h"
#include "dsp/ParameterError.h"

#include <QJsonObject>
#include <QList>
#include <vector>

#include <cstdint>
#include <functional>

namespace soundlab {
class AudioEngine;
}

namespace soundlab::api {

// GET/PUT /api/phi and POST /api/phi/sensor: the Φ controller (docs/phi.md). A PUT is a partial
// update validated like /api/engine (422 naming each bad field and its range; nothing changes);
// a sensor push takes one sample or a batch, applied in `t` order. Every handler only takes
// short locks that no slow operation holds, so they run inline on the server thread.
// `osc` gives the OSC server's counters for the document; empty: OSC is off (port null).
// GET /api/phi/midi/ports runs on a worker: its first call waits for the first MIDI port scan.
// `heardTime` turns the latest block's callback time (phi::State::blockNs) into its heard time
// (SPEC §6, api::heardUnixSecondsOfCallback) for the document's `timestamp`; empty: no timestamp.
using OscCountersProvider = std::function<OscCounters()>;
using HeardTimeOfCallback = std::function<double(int64_t callbackSteadyNs)>;
QList<Route> phiRoutes(AudioEngine& engine, OscCountersProvider osc = {},
                       HeardTimeOfCallback heardTime = {});

// The GET /api/phi document (also what PUT answers).
QJsonObject phiState(const AudioEngine& engine, const OscCountersProvider& osc = {},
                     const HeardTimeOfCallback& heardTime = {});

// The GET /api/phi/midi/ports document: the MIDI API in use, the port names, the selection. The
// first call may wait up to 2 s for the MIDI input's first scan; later ones return at once. The
// GUI's port chooser reads it too.
QJsonObject midiPorts(AudioEngine& engine);

// The partial update PUT /api/phi runs: `patch` is checked against the PUT schema, then its
// present fields are applied in one AudioEngine::updatePhiSettings (any error: nothing changes).
// The GUI's PhiViewModel edits through it too, so both validate the same way.
std::vector<dsp::ParameterError> updatePhi(AudioEngine& engine, const QJsonObject& patch);

}  // namespace soundlab::api
