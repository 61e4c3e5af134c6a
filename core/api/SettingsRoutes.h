#pragma once

#include "api/Route.h"
#include "settings/SettingsFile.h"

#include <QList>

namespace soundlab::api {

// The settings file over HTTP (docs/install.md "Settings"):
//   GET /api/settings  every persistent setting: the file's value, the value a start with this
//                      command line would use, and where it would come from
//   PUT /api/settings  {"api/port": 9000, "audio/device": null, …}: checked as a start reads
//                      the file (422 naming the key); only a valid file replaces the old one
// The running program keeps its values: a change applies at the next start, or at a reload
// (SIGHUP) for what a reload applies. Both read or write the disk, so they run on a worker, one
// at a time.
QList<Route> settingsRoutes(SettingsFileContext context);

}  // namespace soundlab::api
