#pragma once

#include "presets/CollisionPolicy.h"
#include "presets/PresetStore.h"
#include "presets/ValidationError.h"

#include <QList>
#include <QStringList>
#include <QUrlQuery>

namespace soundlab::presets {

// The query parameters of the preset endpoints, read and checked in one place so a handler is
// "parse, call the store, answer". Each error's path is the parameter name; an absent parameter
// takes its default.

struct ListParameters {
    PresetListQuery query;  // ?query=&tag=&limit= (limit default kDefaultListLimit)
    QList<ValidationError> errors;
};
ListParameters parseListParameters(const QUrlQuery& url);

struct CollisionParameter {
    CollisionPolicy policy = CollisionPolicy::Prompt;  // ?collision= (default prompt)
    QList<ValidationError> errors;
};
CollisionParameter parseCollisionParameter(const QUrlQuery& url);

struct ImportParameters {
    ImportOptions options;  // ?dry_run=true|false|1|0 (default false) &collision=
    QList<ValidationError> errors;
};
ImportParameters parseImportParameters(const QUrlQuery& url);

// ?ids=a,b or ?ids=a&ids=b; empty means all presets.
QStringList parseIdsParameter(const QUrlQuery& url);

}  // namespace soundlab::presets
