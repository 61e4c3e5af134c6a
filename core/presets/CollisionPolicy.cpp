#include "presets/CollisionPolicy.h"

#include <array>
#include <utility>

namespace soundlab::presets {

namespace {

const std::array<std::pair<CollisionPolicy, const char*>, 4> kPolicies{{
    {CollisionPolicy::Prompt, "prompt"},
    {CollisionPolicy::Overwrite, "overwrite"},
    {CollisionPolicy::NewCopy, "new_copy"},
    {CollisionPolicy::Merge, "merge"},
}};

}  // namespace

QString toString(CollisionPolicy policy) {
    for (const auto& [value, name] : kPolicies) {
        if (value == policy) return QString::fromLatin1(name);
    }
    return {};
}

std::optional<CollisionPolicy> collisionPolicyFromString(const QString& text) {
    for (const auto& [value, name] : kPolicies) {
        if (text == QLatin1String(name)) return value;
    }
    return std::nullopt;
}

}  // namespace soundlab::presets
