#pragma once

#include "api/Route.h"
#include "presets/AbComparator.h"
#include "presets/PresetOutcome.h"
#include "presets/PresetStore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace soundlab::presets {
class PresetAuditLog;
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

// The pieces of the preset routes that are more than one library call, as functions the routes
// and the GUI's PresetsViewModel (an in-process client) both run. Every other preset action is
// one PresetStore / AbComparator call, which the view-model makes itself. `client` is the audit
// log's name for the caller (the peer address, or "gui").

// A library outcome and the body a route answers with it (status: presets::httpStatus).
struct PresetAnswer {
    presets::PresetOutcome outcome = presets::PresetOutcome::Ok;
    QJsonObject body;
    bool succeeded() const;
    // The error's message for people ({"error": {"message"}}); empty on success.
    QString errorMessage() const;
};

// GET /api/presets: the bare array of summaries the list route serves.
QJsonArray presetSummaries(const presets::PresetListResult& result);

// DELETE /api/presets/{id}: {"ok": true, "id"} when deleted. `removed`, if given, receives the
// deleted preset's document (what an undo recreates).
PresetAnswer removePreset(presets::PresetStore& store, const QString& id, const QString& ifMatch,
                          const QString& client, QJsonObject* removed = nullptr);

// POST /api/presets/{id}/apply: the stored preset into the live engine, no A/B slot active.
PresetAnswer applyStoredPreset(presets::PresetStore& store, presets::AbComparator& ab,
                               const QString& id, const QString& client);

// POST /api/presets/ab/store/{slot}?id=: a stored preset into an A/B slot.
PresetAnswer storeStoredPresetInSlot(presets::PresetStore& store, presets::AbComparator& ab,
                                     presets::AbSlot slot, const QString& id,
                                     const QString& client);

// GET /api/presets/ab/diff: the flat map {path: [a, b]} (404 while a slot is empty).
PresetAnswer abDiff(const presets::AbComparator& ab);

}  // namespace soundlab::api
