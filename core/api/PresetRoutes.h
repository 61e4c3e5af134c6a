#pragma once

#include "api/Route.h"

#include <QList>

namespace soundlab::presets {
class AbComparator;
class PresetAuditLog;
class PresetStore;
}  // namespace soundlab::presets

namespace soundlab::api {

// The preset endpoints (SPEC §7; the seed README's "Preset Management" and "A/B Comparison"):
// each route parses its parameters, makes one call into the preset library and answers the
// library's result (docs/presets.md, "Endpoints"). Bodies are checked by the library against
// schema v1, which reports every error at once; the route schemas only say "an object".
//
// `auditLog` (may be null) adds its counters to GET /api/presets/stats. Everything passed in
// must outlive the server.
QList<Route> presetRoutes(presets::PresetStore& store, presets::AbComparator& ab,
                          const presets::PresetAuditLog* auditLog);

}  // namespace soundlab::api
