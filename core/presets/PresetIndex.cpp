#include "presets/PresetIndex.h"

#include <algorithm>
#include <vector>

namespace soundlab::presets {

namespace {

// Joins the searchable fields so a query never matches across two of them.
constexpr QChar kFieldSeparator(0x1F);

}  // namespace

const StoredPreset* PresetIndex::find(const QString& id) const {
    const auto it = entries_.constFind(id);
    return it == entries_.constEnd() ? nullptr : &it->stored;
}

const StoredPreset* PresetIndex::findByName(const QString& name, const QString& exceptId) const {
    const StoredPreset* best = nullptr;
    const QString folded = name.toCaseFolded();
    for (auto it = idsByFoldedName_.constFind(folded);
         it != idsByFoldedName_.constEnd() && it.key() == folded; ++it) {
        if (it.value() == exceptId) continue;
        const StoredPreset* candidate = find(it.value());
        if (!best || candidate->preset.modifiedAt > best->preset.modifiedAt) best = candidate;
    }
    return best;
}

bool PresetIndex::isTaken(const QString& id) const {
    return entries_.contains(id) || reservedIds_.contains(id);
}

void PresetIndex::put(const StoredPreset& stored) {
    remove(stored.preset.id);
    Entry entry;
    entry.stored = stored;
    entry.foldedName = stored.preset.name.toCaseFolded();
    QStringList fields{entry.foldedName, stored.preset.notes.toCaseFolded()};
    for (const QString& tag : stored.preset.tags) {
        entry.foldedTags.append(tag.toCaseFolded());
        fields.append(entry.foldedTags.last());
    }
    entry.searchText = fields.join(kFieldSeparator);
    idsByFoldedName_.insert(entry.foldedName, stored.preset.id);
    entries_.insert(stored.preset.id, std::move(entry));
}

void PresetIndex::remove(const QString& id) {
    const auto it = entries_.constFind(id);
    if (it == entries_.constEnd()) return;
    idsByFoldedName_.remove(it->foldedName, id);
    entries_.erase(it);
    copySearchStart_.clear();  // a copy name may have become free
}

void PresetIndex::reserve(const QString& id) {
    reservedIds_.insert(id);
}

QList<StoredPreset> PresetIndex::search(const QString& query, const QString& tag, int limit,
                                        int* total) const {
    const QString foldedQuery = query.trimmed().toCaseFolded();
    const QString foldedTag = tag.trimmed().toCaseFolded();

    std::vector<const Entry*> matches;
    matches.reserve(entries_.size());
    for (const Entry& entry : entries_) {
        if (!foldedTag.isEmpty() && !entry.foldedTags.contains(foldedTag)) continue;
        if (!foldedQuery.isEmpty() && !entry.searchText.contains(foldedQuery)) continue;
        matches.push_back(&entry);
    }
    if (total) *total = static_cast<int>(matches.size());

    const auto newestFirst = [](const Entry* a, const Entry* b) {
        const QDateTime& ta = a->stored.preset.modifiedAt;
        const QDateTime& tb = b->stored.preset.modifiedAt;
        if (ta != tb) return ta > tb;
        if (a->foldedName != b->foldedName) return a->foldedName < b->foldedName;
        return a->stored.preset.id < b->stored.preset.id;
    };
    const size_t count = std::min(matches.size(), static_cast<size_t>(std::max(0, limit)));
    std::partial_sort(matches.begin(), matches.begin() + count, matches.end(), newestFirst);

    QList<StoredPreset> result;
    result.reserve(count);
    for (size_t i = 0; i < count; ++i) result.append(matches[i]->stored);
    return result;
}

QList<StoredPreset> PresetIndex::all() const {
    return search(QString(), QString(), static_cast<int>(entries_.size()), nullptr);
}

}  // namespace soundlab::presets
