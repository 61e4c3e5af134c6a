#include "presets/PresetOutcome.h"

namespace soundlab::presets {

QString toString(PresetOutcome outcome) {
    switch (outcome) {
        case PresetOutcome::Ok:
            return QStringLiteral("ok");
        case PresetOutcome::Created:
            return QStringLiteral("created");
        case PresetOutcome::NotFound:
            return QStringLiteral("not_found");
        case PresetOutcome::Conflict:
            return QStringLiteral("conflict");
        case PresetOutcome::Invalid:
            return QStringLiteral("invalid");
        case PresetOutcome::PreconditionFailed:
            return QStringLiteral("precondition_failed");
        case PresetOutcome::Malformed:
            return QStringLiteral("malformed");
        case PresetOutcome::TooLarge:
            return QStringLiteral("too_large");
        case PresetOutcome::StorageFailed:
            return QStringLiteral("storage_failed");
        case PresetOutcome::InsufficientStorage:
            return QStringLiteral("insufficient_storage");
        case PresetOutcome::Unavailable:
            return QStringLiteral("unavailable");
    }
    return {};
}

int httpStatus(PresetOutcome outcome) {
    switch (outcome) {
        case PresetOutcome::Ok:
            return 200;
        case PresetOutcome::Created:
            return 201;
        case PresetOutcome::NotFound:
            return 404;
        case PresetOutcome::Conflict:
            return 409;
        case PresetOutcome::Invalid:
            return 422;
        case PresetOutcome::PreconditionFailed:
            return 412;
        case PresetOutcome::Malformed:
            return 400;
        case PresetOutcome::TooLarge:
            return 413;
        case PresetOutcome::StorageFailed:
            return 500;
        case PresetOutcome::InsufficientStorage:
            return 507;
        case PresetOutcome::Unavailable:
            return 503;
    }
    return 500;
}

}  // namespace soundlab::presets
