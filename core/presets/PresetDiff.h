#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace soundlab::presets {

// One field that differs: `a` and `b` are the values on each side; a side that lacks the field
// holds an undefined QJsonValue (null in JSON).
struct FieldDifference {
    QString path;  // dotted: "engine.coupling_strength", "engine.frequencies[2]", "tags"
    QJsonValue a;
    QJsonValue b;
};

// The field-wise differences between two preset documents, in path order. Objects are compared
// key by key; arrays element by element when both have the same length, otherwise as a whole.
// The bookkeeping fields (id, created_at, modified_at) are not compared: the diff says how two
// presets sound different, and which preset is which is known to the caller.
class PresetDiff {
public:
    PresetDiff() = default;
    static PresetDiff between(const QJsonObject& a, const QJsonObject& b);

    const QList<FieldDifference>& differences() const { return differences_; }
    bool isEmpty() const { return differences_.isEmpty(); }
    QStringList paths() const;
    // {"engine.coupling_strength": [1.0, 1.5], ...}
    QJsonObject toJson() const;

private:
    QList<FieldDifference> differences_;
};

}  // namespace soundlab::presets
