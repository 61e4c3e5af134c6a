#pragma once

#include "presets/ValidationError.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <memory>

namespace soundlab::presets {

// Preset schema v1 (resources/preset.schema.json, compiled into the library): the one place that
// says what a valid preset is and what its defaults are.
//
// Validation runs valijson against the schema; valijson decides whether and where a document is
// wrong, and the messages are then written from the schema node at that place, so every error
// names the field path and its allowed range ("engine.frequencies[2]: must be a number in
// [0.01, 20]; got 25"). All errors of a document are reported at once.
//
// Thread-safety: the instance is immutable after construction; validate() may run on any thread.
class PresetSchema {
public:
    // The process-wide schema, parsed on first use.
    static const PresetSchema& instance();

    ~PresetSchema();
    PresetSchema(const PresetSchema&) = delete;
    PresetSchema& operator=(const PresetSchema&) = delete;

    // The schema document as published (for GET /api/presets/schema or similar).
    const QJsonObject& document() const { return document_; }
    QByteArray text() const;

    // Returns `preset` with every absent field that has a schema `default` filled in, recursively
    // into objects that are present. Present values are never changed, even invalid ones, so the
    // validator still sees and reports them.
    QJsonObject withDefaults(const QJsonObject& preset) const;

    // Every violation of the schema, in document order; empty when `preset` is valid.
    QList<ValidationError> validate(const QJsonValue& preset) const;

private:
    PresetSchema();

    struct Compiled;
    QJsonObject document_;
    std::unique_ptr<Compiled> compiled_;
};

}  // namespace soundlab::presets
