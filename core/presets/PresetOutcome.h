#pragma once

#include <QString>

namespace soundlab::presets {

// How a preset operation ended. Each maps to one HTTP status (httpStatus), so an endpoint is a
// call plus a switch-free translation.
enum class PresetOutcome {
    Ok,                  // 200
    Created,             // 201: a new preset was stored
    NotFound,            // 404: no preset (or A/B slot) with that id
    Conflict,            // 409: a collision under policy `prompt`, or an A/B slot is empty
    Invalid,             // 422: the document breaks schema v1; `errors` lists every reason
    PreconditionFailed,  // 412: If-Match does not match the preset's current ETag
    Malformed,           // 400: the body is not JSON at all
    TooLarge,            // 413: an import bundle above kMaxBundleBytes
    StorageFailed,       // 500: the file could not be written; nothing changed
    InsufficientStorage, // 507: the data directory's file system is full; nothing changed
    Unavailable,         // 503: no live engine is attached (A/B store of the live state)
};

// "ok", "created", "not_found", "conflict", "invalid", "precondition_failed", "malformed",
// "too_large", "storage_failed", "insufficient_storage", "unavailable": the `result` field of
// audit records and a stable error code.
QString toString(PresetOutcome outcome);
int httpStatus(PresetOutcome outcome);

}  // namespace soundlab::presets
