#pragma once

#include <QString>
#include <optional>

namespace soundlab::presets {

// What to do when an incoming preset has the id of a stored one, or its name case-insensitively
// (SPEC §7).
enum class CollisionPolicy {
    Prompt,     // refuse; report the existing preset and a field diff so the client can ask
    Overwrite,  // replace the existing preset's settings, keeping its id and created_at
    NewCopy,    // store as a new preset with a new id and, if needed, a unique name "X (copy)"
    Merge,      // field-wise merge into the existing preset (see mergePresets)
};

QString toString(CollisionPolicy policy);
// "prompt", "overwrite", "new_copy", "merge"; nullopt for anything else.
std::optional<CollisionPolicy> collisionPolicyFromString(const QString& text);

}  // namespace soundlab::presets
