#pragma once

#include "api/Route.h"

#include <QList>

namespace soundlab {
class AudioEngine;
}

namespace soundlab::api {

class StatusReport;

// The routes over the audio host: /api/status, /api/audio/start|stop|performance|device and
// /api/devices. Engine failures become JSON errors: a value Soundlab does not support is 422,
// a device that cannot be opened is 409; the server stays up either way.
QList<Route> audioRoutes(AudioEngine& engine, const StatusReport& report);

}  // namespace soundlab::api
