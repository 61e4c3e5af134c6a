#pragma once

#include <QString>
#include <QStringList>

#include <array>
#include <optional>

namespace soundlab::logging {

// The five session logs (SPEC §8): one CSV and one JSONL file each per session, in a folder of
// that name under the log root.
enum class Category { AudioEngine, PhiModulator, Metrics, Latency, Presets };

inline constexpr std::array<Category, 5> kCategories = {
    Category::AudioEngine, Category::PhiModulator, Category::Metrics, Category::Latency,
    Category::Presets};

// "audio_engine", "phi_modulator", "metrics", "latency", "presets".
QString categoryName(Category category);
std::optional<Category> categoryFromName(const QString& name);

// The CSV columns of a category after `timestamp` and `type`: the fields of its periodic frames
// and of its most common events. A record's other fields go, as compact JSON, into the last
// column, `detail`; a column a record lacks stays empty. JSONL lines carry every field as is.
const QStringList& csvColumns(Category category);

}  // namespace soundlab::logging
